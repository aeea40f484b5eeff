using Recommender.Grains.Domain;

namespace Recommender.Grains.Items;

/// <summary>
/// What every silo knows about an item: metadata, counters and decayed popularity. Published by
/// the item's grain to every silo's <see cref="ItemIndex"/> and stored in the catalog hash.
/// </summary>
[GenerateSerializer, Alias("reco.ItemRecord")]
public sealed class ItemRecord
{
    [Id(0)] public string ItemId { get; set; } = "";
    [Id(1)] public string Title { get; set; } = "";
    [Id(2)] public string[] Categories { get; set; } = [];
    /// <summary>Unix milliseconds.</summary>
    [Id(3)] public long CreatedAt { get; set; }
    /// <summary>Counts per <see cref="EventType"/>, indexed by its numeric value.</summary>
    [Id(4)] public int[] Counts { get; set; } = new int[EventTypes.Count];
    /// <summary>ln of the decayed popularity, see <see cref="Popularity"/>.</summary>
    [Id(5)] public double PopularityLog { get; set; } = double.NegativeInfinity;
    /// <summary>False for items created by an event before anyone described them.</summary>
    [Id(6)] public bool HasMetadata { get; set; }
    /// <summary>Increases with every change, so a silo never replaces a newer record by an older one.</summary>
    [Id(7)] public long Version { get; set; }
    /// <summary>The item's vector (k floats) in the space of model <see cref="VectorVersion"/>; null before any model.</summary>
    [Id(8)] public float[]? Vector { get; set; }
    [Id(9)] public long VectorVersion { get; set; }
    /// <summary>The item's properties as canonical JSON (<see cref="Recommender.Rules.PropertyBag.ToJson"/>); null: none.</summary>
    [Id(10)] public string? Properties { get; set; }
    /// <summary>Kept in the catalogue and in training, never served.</summary>
    [Id(11)] public bool Hidden { get; set; }
    /// <summary>Deleted: never served, left out of the next training; a later PUT brings it back.</summary>
    [Id(12)] public bool Deleted { get; set; }
    /// <summary>Unix milliseconds before which the item is not served (null: always).</summary>
    [Id(13)] public long? AvailableFrom { get; set; }
    /// <summary>Unix milliseconds from which the item is no longer served (its TTL; null: never).</summary>
    [Id(14)] public long? ExpiresAt { get; set; }

    /// <summary>Whether the item may be served at <paramref name="nowMs"/>: not deleted, not hidden, inside its availability window.</summary>
    public bool IsServable(long nowMs) =>
        !Deleted && !Hidden && (AvailableFrom is not { } from || nowMs >= from) && (ExpiresAt is not { } until || nowMs < until);

    /// <summary>Has a window that opens or closes with time.</summary>
    public bool IsTimed => AvailableFrom is not null || ExpiresAt is not null;

    public int TotalInteractions => Counts.Sum();

    public ItemRecord Clone() => new()
    {
        ItemId = ItemId, Title = Title, Categories = Categories, CreatedAt = CreatedAt,
        Counts = (int[])Counts.Clone(), PopularityLog = PopularityLog, HasMetadata = HasMetadata, Version = Version,
        Vector = (float[]?)Vector?.Clone(), VectorVersion = VectorVersion,
        Properties = Properties, Hidden = Hidden, Deleted = Deleted, AvailableFrom = AvailableFrom, ExpiresAt = ExpiresAt,
    };
}
