namespace Recommender.Client.Ranking;

/// <summary>How one ranking differs from the previous one. Ranks are 1-based.</summary>
public sealed record RankingDiff(
    IReadOnlyList<string> Added,
    IReadOnlyList<string> Removed,
    IReadOnlyList<RankMove> Moved)
{
    public static RankingDiff Empty { get; } = new([], [], []);

    public bool IsEmpty => Added.Count == 0 && Removed.Count == 0 && Moved.Count == 0;

    /// <summary>
    /// Compares two rankings (item ids in rank order): items only in <paramref name="after"/> are
    /// added, only in <paramref name="before"/> removed, in both at a different rank moved.
    /// Duplicate ids keep their first rank.
    /// </summary>
    public static RankingDiff Compute(IReadOnlyList<string> before, IReadOnlyList<string> after)
    {
        var beforeRanks = RanksOf(before);
        var afterRanks = RanksOf(after);

        var added = afterRanks.Where(a => !beforeRanks.ContainsKey(a.Key)).OrderBy(a => a.Value).Select(a => a.Key).ToList();
        var removed = beforeRanks.Where(b => !afterRanks.ContainsKey(b.Key)).OrderBy(b => b.Value).Select(b => b.Key).ToList();
        var moved = afterRanks
            .Where(a => beforeRanks.TryGetValue(a.Key, out var from) && from != a.Value)
            .OrderBy(a => a.Value)
            .Select(a => new RankMove(a.Key, beforeRanks[a.Key], a.Value))
            .ToList();
        return new RankingDiff(added, removed, moved);
    }

    private static Dictionary<string, int> RanksOf(IReadOnlyList<string> ranking)
    {
        var ranks = new Dictionary<string, int>(ranking.Count, StringComparer.Ordinal);
        for (var i = 0; i < ranking.Count; i++)
        {
            ranks.TryAdd(ranking[i], i + 1);
        }

        return ranks;
    }
}

/// <summary>An item present in both rankings at different ranks.</summary>
public sealed record RankMove(string ItemId, int From, int To)
{
    /// <summary>Positive when the item climbed (a smaller rank number).</summary>
    public int Delta => From - To;

    /// <summary>"↑ 3" or "↓ 2".</summary>
    public string Arrow => Delta > 0 ? $"↑ {Delta}" : $"↓ {-Delta}";
}
