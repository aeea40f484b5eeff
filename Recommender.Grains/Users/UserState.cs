using Recommender.Grains.Domain;

namespace Recommender.Grains.Users;

/// <summary>
/// A user's snapshot. It reflects the event log up to <see cref="LogPosition"/>; on activation
/// the grain replays the entries after it, so a snapshot may lag without losing anything.
/// Field ids are the persisted contract: add fields with new ids, never reuse one.
/// </summary>
[GenerateSerializer, Alias("reco.UserState")]
public sealed class UserState
{
    /// <summary>Events per <see cref="EventType"/>, indexed by its numeric value.</summary>
    [Id(0)] public int[] Counts { get; set; } = new int[EventTypes.Count];
    [Id(1)] public long FirstSeen { get; set; }
    [Id(2)] public long LastSeen { get; set; }
    /// <summary>Bounded per-item aggregate of the user's interactions (the implicit-feedback row).</summary>
    [Id(3)] public Dictionary<string, ItemAffinity> Items { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Signed taste per category: positive evidence adds, negative evidence subtracts.</summary>
    [Id(4)] public Dictionary<string, float> CategoryWeights { get; set; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>The user's vector (k floats) and the model version it was fitted against.</summary>
    [Id(5)] public float[]? Embedding { get; set; }
    [Id(6)] public long ModelVersion { get; set; }
    /// <summary>Item ids of the last ranking served or pushed, best first (for diffs and the online hit-rate).</summary>
    [Id(7)] public string[] LastRanking { get; set; } = [];
    /// <summary>How many log entries this snapshot reflects.</summary>
    [Id(8)] public long LogPosition { get; set; }
    /// <summary>Event ids of snapshots written before <see cref="EventIds"/> (read once, converted on activation).</summary>
    [Id(9)] public List<string>? RecentEventIds { get; set; }
    /// <summary>Not kept any more (the profile reads the log's tail); a snapshot written before still has it, dropped on activation.</summary>
    [Id(10)] public List<InteractionEvent>? Recent { get; set; }
    /// <summary>
    /// The layout of <see cref="Items"/>: 2 since cells keep their raw evidence tally. A snapshot of
    /// an earlier layout is dropped on activation and the user rebuilt from the log (its truth).
    /// </summary>
    [Id(11)] public int Format { get; set; }
    /// <summary>The idempotency window: hashed event ids with their arrival time, oldest first (see <see cref="EventIdWindow"/>).</summary>
    [Id(12)] public List<EventIdStamp> EventIds { get; set; } = [];
    /// <summary>The user's properties as canonical JSON (<see cref="Recommender.Rules.PropertyBag.ToJson"/>); null: none. Written through when set.</summary>
    [Id(13)] public string? Properties { get; set; }

    public const int CurrentFormat = 2;

    public int TotalEvents => Counts.Sum();
}

/// <summary>What one user's interactions with one item add up to.</summary>
[GenerateSerializer, Alias("reco.ItemAffinity")]
public struct ItemAffinity
{
    // Declared widest first: a sequential struct pads each field to its alignment, and in the old
    // order (float, long, bool, long, int, ulong, float) one cell took 56 B where 40 B hold it —
    // 48 B per user in a dictionary's first three entries (BENCHMARKS.md, "Memory per user grain").
    /// <summary>Unix milliseconds of the latest interaction.</summary>
    [Id(1)] public long LastAt;
    /// <summary>The user's log position at the latest interaction (orders interactions for recency weighting).</summary>
    [Id(3)] public long LastPosition;
    /// <summary>The packed <see cref="EvidenceTally"/> (counts per kind, latest rating, sign).</summary>
    [Id(4)] public ulong Evidence;
    /// <summary>Summed strength of the single events (for explanations and the export); the model's confidence comes from <see cref="Tally"/>.</summary>
    [Id(0)] public float Strength;
    /// <summary>The summed amounts (play counts, quantities) of the tally.</summary>
    [Id(5)] public float Amount;
    /// <summary>
    /// The item's slot in this silo's <see cref="Items.ItemIndex"/> plus one (0 = not looked up yet).
    /// Not persisted: slots are per silo. Saves a dictionary lookup per item and fit.
    /// </summary>
    [NonSerialized] public int IndexSlot;
    /// <summary>The latest evidence was negative (a dislike, or a low rating if so configured).</summary>
    [Id(2)] public bool Negative;

    /// <summary>The raw evidence of this cell, which the installed model's curve turns into a confidence.</summary>
    public Learning.EvidenceTally Tally
    {
        readonly get => new(Evidence, Amount);
        set { Evidence = value.Packed; Amount = value.Amount; }
    }
}
