using Recommender.Learning;

namespace Recommender.Tests.Learning;

public class RankingMetricsTests
{
    [Fact]
    public void Hand_computed_example()
    {
        // Ranked: 10, 20, 30, 40, 50; relevant {20, 50, 99}; K = 5.
        // DCG = 1/log2(3) + 1/log2(6) = 0.63093 + 0.38685 = 1.01778
        // IDCG over min(3, 5) = 3: 1 + 0.63093 + 0.5 = 2.13093 → NDCG = 0.47762
        // P = 2/5, R = 2/3 (hits / |relevant|), HR = 1
        var s = RankingMetrics.Evaluate([10, 20, 30, 40, 50], new HashSet<int> { 20, 50, 99 }, 5);
        Assert.Equal(0.47762, s.Ndcg, 4);
        Assert.Equal(0.4, s.Precision, 10);
        Assert.Equal(2.0 / 3, s.Recall, 10);
        Assert.Equal(1.0, s.HitRate);
    }

    [Fact]
    public void Perfect_ranking_scores_one_and_ideal_dcg_is_capped_at_K()
    {
        // 4 relevant, K = 2, both top-2 relevant: NDCG = 1 (IDCG over min(4, 2) = 2), recall = 2/4.
        var s = RankingMetrics.Evaluate([1, 2, 3], new HashSet<int> { 1, 2, 3, 4 }, 2);
        Assert.Equal(1.0, s.Ndcg, 10);
        Assert.Equal(1.0, s.Precision, 10);
        Assert.Equal(0.5, s.Recall, 10);
    }

    [Fact]
    public void Miss_scores_zero_and_short_lists_are_penalised_in_precision()
    {
        var miss = RankingMetrics.Evaluate([1, 2], new HashSet<int> { 9 }, 10);
        Assert.Equal(default, miss);
        var shortList = RankingMetrics.Evaluate([9], new HashSet<int> { 9 }, 10);
        Assert.Equal(0.1, shortList.Precision, 10);
        Assert.Equal(1.0, shortList.Ndcg, 10);
        Assert.Equal(1.0, RankingMetrics.HitRate([9], new HashSet<int> { 9 }, 10));
    }

    [Fact]
    public void Relevant_item_beyond_K_does_not_count()
    {
        var s = RankingMetrics.Evaluate([1, 2, 3], new HashSet<int> { 3 }, 2);
        Assert.Equal(0.0, s.HitRate);
        // Single hit at rank 2 of K = 2: NDCG = (1/log2 3) / 1.
        Assert.Equal(1 / Math.Log2(3), RankingMetrics.Ndcg([1, 3], new HashSet<int> { 3 }, 2), 10);
    }
}
