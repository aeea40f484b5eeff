namespace Recommender.Grains.Items;

/// <summary>The describable part of an item, as a client sends it.</summary>
[GenerateSerializer, Alias("reco.ItemMetadata"), Immutable]
public sealed record ItemMetadata
{
    [Id(0)] public required string ItemId { get; init; }
    [Id(1)] public required string Title { get; init; }
    [Id(2)] public string[] Categories { get; init; } = [];
    /// <summary>Unix milliseconds; null keeps the existing value (or now for a new item).</summary>
    [Id(3)] public long? CreatedAt { get; init; }
}
