using System.Diagnostics;
using Recommender.Learning;
using Recommender.Learning.Experiments.Reranking;

namespace Recommender.Benchmarks;

/// <summary>
/// The learning experiments behind the service's defaults, in-process on ML-100K (the service's
/// own figures come from <c>reco evaluate</c>): <c>offline</c> (ALS vs MostPop, u1–u5),
/// <c>prequential</c> (the rating-5 stream), <c>rerank</c> (ALS vs ALS + LightGBM LambdaRank).
/// Data: <c>RECO_MOVIELENS_DIR</c> or <c>../shared/data/ml-100k</c>; it is never copied.
/// </summary>
public static class LearningRuns
{
    public static int Run(string mode)
    {
        var dir = Environment.GetEnvironmentVariable("RECO_MOVIELENS_DIR") ?? Path.GetFullPath("../shared/data/ml-100k");
        if (!MovieLens.IsPresent(dir))
        {
            Console.Error.WriteLine($"MovieLens-100K not found at {dir}; set RECO_MOVIELENS_DIR.");
            return 2;
        }
        var data = MovieLens.Load(dir);
        var offline = new OfflineEvaluationOptions { Als = new ImplicitAlsOptions(), RatingStrength = RatingWeights.Tuned, Folds = [1, 2, 3, 4, 5] };
        var clock = Stopwatch.StartNew();
        switch (mode)
        {
            case "offline":
                var result = OfflineEvaluation.Run(data, offline);
                foreach (var f in result.Folds) Console.WriteLine($"u{f.Fold} users={f.TestUsers} ALS {Format(f.Als)} | MostPop {Format(f.MostPop)}");
                Console.WriteLine($"MEAN ALS {Format(result.MeanAls)} | MostPop {Format(result.MeanMostPop)}");
                break;
            case "prequential":
                var stream = PrequentialEvaluation.Run(data, new PrequentialOptions());
                Console.WriteLine($"stream={stream.StreamEvents} scored={stream.ScoredEvents} ALS recall@10={stream.AlsRecall:F4} popularity={stream.PopularityRecall:F4}");
                break;
            case "rerank":
                var rerank = RerankEvaluation.Run(data, offline, new RerankOptions(), f =>
                    Console.WriteLine($"u{f.Fold} users={f.TestUsers} ALS {Format(f.Als)} | ALS+LightGBM {Format(f.Reranked)} | reranker training {f.RerankerTrainTime.TotalSeconds:F1} s, request p50 {f.ScoreP50Microseconds:F0} µs p99 {f.ScoreP99Microseconds:F0} µs"));
                Console.WriteLine($"MEAN ALS {Format(rerank.MeanAls)} | ALS+LightGBM {Format(rerank.MeanReranked)} | ΔNDCG {rerank.MeanReranked.Ndcg - rerank.MeanAls.Ndcg:+0.0000;-0.0000}");
                break;
            default:
                Console.Error.WriteLine("learning modes: offline | prequential | rerank");
                return 2;
        }
        Console.WriteLine($"({clock.Elapsed.TotalSeconds:F1} s)");
        return 0;
    }

    private static string Format(RankingScores s) => $"NDCG {s.Ndcg:F4} P {s.Precision:F4} R {s.Recall:F4} HR {s.HitRate:F4}";
}
