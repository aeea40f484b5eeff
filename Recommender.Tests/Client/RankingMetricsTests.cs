using Recommender.Client.Evaluation;

namespace Recommender.Tests.Client;

public class RankingMetricsTests
{
    private static readonly IReadOnlySet<string> Relevant = new HashSet<string> { "a", "c", "x" };

    [Fact]
    public void Hits_precision_recall_and_hit_rate_count_the_first_k_only()
    {
        string[] ranked = ["a", "b", "c", "d", "x"];

        Assert.Equal(2, RankingMetrics.Hits(ranked, Relevant, 4));
        Assert.Equal(0.5, RankingMetrics.Precision(ranked, Relevant, 4), 10);
        Assert.Equal(2.0 / 3, RankingMetrics.Recall(ranked, Relevant, 4), 10);
        Assert.Equal(1.0, RankingMetrics.HitRate(ranked, Relevant, 4));
        Assert.Equal(0.0, RankingMetrics.HitRate(["b", "d"], Relevant, 10));
    }

    [Fact]
    public void Precision_divides_by_k_even_when_the_list_is_shorter()
    {
        Assert.Equal(0.1, RankingMetrics.Precision(["a"], Relevant, 10), 10);
    }

    [Fact]
    public void Ndcg_is_one_for_a_perfect_ranking_and_uses_a_log2_discount()
    {
        Assert.Equal(1.0, RankingMetrics.Ndcg(["a", "c", "x", "b"], Relevant, 10), 10);

        // hit at rank 2 only, 3 relevant: DCG = 1/log2(3); IDCG = 1 + 1/log2(3) + 1/2
        var expected = (1 / Math.Log2(3)) / (1 + 1 / Math.Log2(3) + 0.5);
        Assert.Equal(expected, RankingMetrics.Ndcg(["b", "a", "d"], Relevant, 10), 10);
    }

    [Fact]
    public void Ndcg_ideal_is_over_min_of_relevant_and_k()
    {
        // k = 1, one hit at rank 1: perfect, although 3 items are relevant
        Assert.Equal(1.0, RankingMetrics.Ndcg(["c"], Relevant, 1), 10);
    }

    [Fact]
    public void Duplicates_in_a_ranking_count_once()
    {
        Assert.Equal(1, RankingMetrics.Hits(["a", "a", "a"], Relevant, 3));
    }

    [Fact]
    public void Nothing_relevant_gives_zero_not_nan()
    {
        var none = new HashSet<string>();
        Assert.Equal(0.0, RankingMetrics.Ndcg(["a"], none, 10));
        Assert.Equal(0.0, RankingMetrics.Recall(["a"], none, 10));
    }

    [Fact]
    public void Accumulator_averages_per_list()
    {
        var m = new MetricsAccumulator(k: 2);
        m.Add(["a", "b"], Relevant); // 1 hit of 2
        m.Add(["b", "d"], Relevant); // no hit

        Assert.Equal(2, m.Count);
        Assert.Equal(0.25, m.Precision, 10);
        Assert.Equal(0.5, m.HitRate, 10);
        Assert.Equal((1.0 / 3) / 2, m.Recall, 10);
    }
}
