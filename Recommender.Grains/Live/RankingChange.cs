using Recommender.Grains.Domain;
using Recommender.Grains.Users;

namespace Recommender.Grains.Live;

/// <summary>A new ranking for a watched user, what changed since the previous one, and why.</summary>
[GenerateSerializer, Alias("reco.RankingChange"), Immutable]
public sealed record RankingChange
{
    [Id(0)] public required string UserId { get; init; }
    [Id(1)] public RankedItem[] Items { get; init; } = [];
    [Id(2)] public RankingDiff Diff { get; init; } = RankingDiff.None;
    /// <summary>The event that caused it; null for the ranking returned by Watch.</summary>
    [Id(3)] public InteractionEvent? Cause { get; init; }
    [Id(4)] public long ModelVersion { get; init; }
    [Id(5)] public DateTimeOffset ComputedAt { get; init; }
    /// <summary>
    /// Increases with every event, so a receiver can ignore a stale push: the epoch (forgets in the
    /// cluster, see <see cref="SequenceOf"/>) times 2³² plus the user's log position.
    /// </summary>
    [Id(6)] public long Sequence { get; init; }
    [Id(7)] public string Strategy { get; init; } = "popular";
    /// <summary>When the causing event reached the user's grain (for the push latency).</summary>
    [Id(8)] public DateTimeOffset? ReceivedAt { get; init; }
    /// <summary>The <see cref="WatchRules.Key"/> of the rules it was ranked under; null: unfiltered.</summary>
    [Id(9)] public string? Rules { get; init; }
    /// <summary>Names this pushed list: an event may carry it (attribution), <c>next</c> continues it.</summary>
    [Id(10)] public string? RecommendationId { get; init; }
    /// <summary>The running experiment and the user's variant in it; null outside one.</summary>
    [Id(11)] public string? Experiment { get; init; }
    [Id(12)] public string? Variant { get; init; }

    /// <summary>
    /// The sequence of a ranking at log <paramref name="position"/> in <paramref name="epoch"/>. A
    /// forget restarts the user's log at 0, so the position alone went backwards and receivers
    /// dropped every later push as stale (issue #11). The epoch is the cluster's count of forgets,
    /// read by the grain at activation and taken from the forget itself: the forget increments it
    /// before the user's next event, so every ranking after a forget outranks every ranking before,
    /// and a reactivation (on any silo, after any restart: the count is in the store) never reads
    /// less than its predecessor did. Without any forget the sequence is the log position.
    /// </summary>
    public static long SequenceOf(long epoch, long position) => (epoch << 32) + position;
}

[GenerateSerializer, Alias("reco.RankMove"), Immutable]
public readonly record struct RankMove([property: Id(0)] string ItemId, [property: Id(1)] int From, [property: Id(2)] int To);

/// <summary>Items that entered, left, or moved within the top-k (ranks are 1-based).</summary>
[GenerateSerializer, Alias("reco.RankingDiff"), Immutable]
public sealed record RankingDiff
{
    [Id(0)] public string[] Added { get; init; } = [];
    [Id(1)] public string[] Removed { get; init; } = [];
    [Id(2)] public RankMove[] Moved { get; init; } = [];

    public static readonly RankingDiff None = new();

    public static RankingDiff Between(IReadOnlyList<string> before, IReadOnlyList<string> after)
    {
        var oldRank = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < before.Count; i++) oldRank[before[i]] = i + 1;
        var added = new List<string>();
        var moved = new List<RankMove>();
        for (var i = 0; i < after.Count; i++)
        {
            if (!oldRank.Remove(after[i], out var from)) added.Add(after[i]);
            else if (from != i + 1) moved.Add(new RankMove(after[i], from, i + 1));
        }
        return new RankingDiff { Added = [.. added], Removed = [.. oldRank.OrderBy(r => r.Value).Select(r => r.Key)], Moved = [.. moved] };
    }
}
