namespace Recommender.Learning;

/// <summary>An item index with its score. Ordering used everywhere: higher score first, then lower index.</summary>
public readonly record struct ScoredItem(int Index, float Score)
{
    /// <summary>True when this ranks strictly before <paramref name="other"/>.</summary>
    public bool RanksBefore(ScoredItem other) => Score > other.Score || (Score == other.Score && Index < other.Index);
}
