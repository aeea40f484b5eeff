namespace Recommender.Learning;

/// <summary>
/// Top-K ranking metrics with binary relevance. Definitions (the common ones, e.g. RecBole / Microsoft
/// Recommenders):
///   DCG@K   = Σ_{r=1..K} rel_r / log2(r + 1)
///   NDCG@K  = DCG@K / IDCG@K, IDCG@K = Σ_{r=1..min(|R|,K)} 1 / log2(r + 1)   (all relevant items first)
///   P@K     = hits / K          (K, not the list length: a short list is penalised)
///   Recall@K= hits / |R|        (the standard recall; NOT hits / min(|R|, K), so a user with more
///                                than K relevant items cannot reach 1)
///   HR@K    = 1 if hits &gt; 0 else 0
/// where hits = |top-K ∩ R|. A user with no relevant items scores 0 on all four (callers skip them).
/// </summary>
public static class RankingMetrics
{
    public static RankingScores Evaluate(ReadOnlySpan<int> ranked, IReadOnlySet<int> relevant, int k)
    {
        if (relevant.Count == 0 || k <= 0) return default;
        int n = Math.Min(k, ranked.Length);
        int hits = 0;
        double dcg = 0;
        for (int r = 0; r < n; r++)
        {
            if (!relevant.Contains(ranked[r])) continue;
            hits++;
            dcg += 1.0 / Math.Log2(r + 2);
        }
        double idcg = IdealDcg(Math.Min(relevant.Count, k));
        return new RankingScores(dcg / idcg, (double)hits / k, (double)hits / relevant.Count, hits > 0 ? 1 : 0);
    }

    public static double Ndcg(ReadOnlySpan<int> ranked, IReadOnlySet<int> relevant, int k) => Evaluate(ranked, relevant, k).Ndcg;
    public static double Precision(ReadOnlySpan<int> ranked, IReadOnlySet<int> relevant, int k) => Evaluate(ranked, relevant, k).Precision;
    public static double Recall(ReadOnlySpan<int> ranked, IReadOnlySet<int> relevant, int k) => Evaluate(ranked, relevant, k).Recall;
    public static double HitRate(ReadOnlySpan<int> ranked, IReadOnlySet<int> relevant, int k) => Evaluate(ranked, relevant, k).HitRate;

    private static double IdealDcg(int n)
    {
        double s = 0;
        for (int r = 0; r < n; r++) s += 1.0 / Math.Log2(r + 2);
        return s;
    }
}
