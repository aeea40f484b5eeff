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
    /// <summary>The user's log position: increases with every event, so a receiver can ignore a stale push.</summary>
    [Id(6)] public long Sequence { get; init; }
    [Id(7)] public string Strategy { get; init; } = "popular";
    /// <summary>When the causing event reached the user's grain (for the push latency).</summary>
    [Id(8)] public DateTimeOffset? ReceivedAt { get; init; }
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
