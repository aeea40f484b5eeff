namespace Recommender.Client.Evaluation;

/// <summary>
/// Top-K ranking metrics with binary relevance. <c>recommended</c> is the served list in rank order
/// (only its first K count); <c>relevant</c> is the held-out set.
/// </summary>
public static class RankingMetrics
{
    /// <summary>Number of the first <paramref name="k"/> recommended items that are relevant (each item counted once).</summary>
    public static int Hits(IReadOnlyList<string> recommended, IReadOnlySet<string> relevant, int k)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var hits = 0;
        for (var i = 0; i < Math.Min(k, recommended.Count); i++)
        {
            if (seen.Add(recommended[i]) && relevant.Contains(recommended[i]))
            {
                hits++;
            }
        }

        return hits;
    }

    /// <summary>hits / K (a list shorter than K is not rewarded for it).</summary>
    public static double Precision(IReadOnlyList<string> recommended, IReadOnlySet<string> relevant, int k) =>
        k <= 0 ? 0 : (double)Hits(recommended, relevant, k) / k;

    /// <summary>hits / |relevant| (0 when nothing is relevant).</summary>
    public static double Recall(IReadOnlyList<string> recommended, IReadOnlySet<string> relevant, int k) =>
        relevant.Count == 0 ? 0 : (double)Hits(recommended, relevant, k) / relevant.Count;

    /// <summary>1 when at least one of the first K items is relevant.</summary>
    public static double HitRate(IReadOnlyList<string> recommended, IReadOnlySet<string> relevant, int k) =>
        Hits(recommended, relevant, k) > 0 ? 1 : 0;

    /// <summary>
    /// NDCG@K: DCG = Σ_{i=1..K} rel_i / log2(i + 1); IDCG is the DCG of min(|relevant|, K) hits at the top.
    /// </summary>
    public static double Ndcg(IReadOnlyList<string> recommended, IReadOnlySet<string> relevant, int k)
    {
        var ideal = Math.Min(relevant.Count, k);
        if (ideal == 0)
        {
            return 0;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        double dcg = 0;
        for (var i = 0; i < Math.Min(k, recommended.Count); i++)
        {
            if (seen.Add(recommended[i]) && relevant.Contains(recommended[i]))
            {
                dcg += 1 / Math.Log2(i + 2);
            }
        }

        double idcg = 0;
        for (var i = 0; i < ideal; i++)
        {
            idcg += 1 / Math.Log2(i + 2);
        }

        return dcg / idcg;
    }
}

/// <summary>Means of the four metrics over many ranked lists (one per user or per event).</summary>
public sealed class MetricsAccumulator(int k = 10)
{
    private readonly Lock _gate = new();
    private double _ndcg, _precision, _recall, _hitRate;

    public int K { get; } = k;

    public int Count { get; private set; }

    public double Ndcg => Count == 0 ? 0 : _ndcg / Count;

    public double Precision => Count == 0 ? 0 : _precision / Count;

    public double Recall => Count == 0 ? 0 : _recall / Count;

    public double HitRate => Count == 0 ? 0 : _hitRate / Count;

    /// <summary>Adds one list (thread-safe).</summary>
    public void Add(IReadOnlyList<string> recommended, IReadOnlySet<string> relevant)
    {
        var ndcg = RankingMetrics.Ndcg(recommended, relevant, K);
        var precision = RankingMetrics.Precision(recommended, relevant, K);
        var recall = RankingMetrics.Recall(recommended, relevant, K);
        var hit = RankingMetrics.HitRate(recommended, relevant, K);
        lock (_gate)
        {
            _ndcg += ndcg;
            _precision += precision;
            _recall += recall;
            _hitRate += hit;
            Count++;
        }
    }
}
