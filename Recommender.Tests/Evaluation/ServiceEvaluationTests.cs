using Recommender.Client.Api;
using Recommender.Client.Evaluation;
using Recommender.Client.MovieLens;
using Recommender.Tests.Infrastructure;
using Recommender.Tests.Learning;

namespace Recommender.Tests.Evaluation;

/// <summary>
/// The offline protocol on one ML-100K fold through the real service (REST import, retrain,
/// one HTTP query per test user), so a regression anywhere on that path fails the build. The
/// floor sits well below the measured figure (u3: NDCG@10 0.446; the 5-fold mean is 0.480).
/// </summary>
public sealed class ServiceEvaluationTests
{
    public const double NdcgFloor = 0.40;

    [SkippableFact]
    public async Task Offline_fold_u3_through_the_service_stays_above_the_floor_and_beats_popularity()
    {
        var dir = MovieLensData.RequireFolder();
        await using var server = await ApiServer.StartAsync();
        var client = new RecommenderClient(server.BaseAddress);

        var movies = Ml100kReader.ReadMovies(dir);
        var ratings = Ml100kReader.ReadRatings(dir).ToList();
        var (train, test) = FoldSplitter.Split(ratings, fold: 3);
        var evaluation = new OfflineEvaluation(client, new MovieLensMapping(), k: 10, parallelism: 4);
        var (service, popularity, details) = await evaluation.RunFoldAsync(3, movies, train, test, TimestampPolicy.Original, CancellationToken.None);

        Assert.True(details.ModelVersion >= 1, "the retrain must have published a model");
        Assert.True(service.Ndcg >= NdcgFloor, $"service NDCG@10 {service.Ndcg:F4} fell below the floor {NdcgFloor}");
        Assert.True(service.Ndcg > popularity.Ndcg + 0.1, $"service {service.Ndcg:F4} should beat popularity {popularity.Ndcg:F4} clearly");
    }
}
