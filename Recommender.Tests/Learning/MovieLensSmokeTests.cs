using Recommender.Learning;

namespace Recommender.Tests.Learning;

/// <summary>End-to-end learning checks on ML-100K (skip without the data unless RECO_REQUIRE_ALL=1).</summary>
public class MovieLensSmokeTests
{
    [SkippableFact]
    public void Offline_fold_beats_the_floor_and_most_popular()
    {
        var data = MovieLensData.Load();
        // One fold (u3: neither the easiest nor the hardest), default options. Full run mean ≈ 0.48.
        var result = OfflineEvaluation.Run(data, new OfflineEvaluationOptions { Folds = [3] });
        var fold = Assert.Single(result.Folds);
        Assert.True(fold.Als.Ndcg > 0.40, $"NDCG@10 = {fold.Als.Ndcg:F4}");
        Assert.True(fold.Als.Ndcg > fold.MostPop.Ndcg + 0.1, $"ALS {fold.Als.Ndcg:F4} vs MostPop {fold.MostPop.Ndcg:F4}");
    }

    [SkippableFact]
    public void Prequential_stream_beats_popularity()
    {
        var data = MovieLensData.Load();
        var result = PrequentialEvaluation.Run(data, new PrequentialOptions());
        Assert.Equal(14_841, result.ScoredEvents);
        // Full defaults measure 0.179 vs popularity 0.105; the floor leaves room for platform float noise.
        Assert.True(result.AlsRecall > 0.15, $"recall@10 = {result.AlsRecall:F4}");
        Assert.True(result.AlsRecall > result.PopularityRecall + 0.04, $"ALS {result.AlsRecall:F4} vs popularity {result.PopularityRecall:F4}");
    }
}
