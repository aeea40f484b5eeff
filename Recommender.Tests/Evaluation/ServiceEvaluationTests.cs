using Recommender.Client.Api;
using Recommender.Client.Datasets;
using Recommender.Client.Evaluation;
using Recommender.Learning;
using Recommender.Tests.Infrastructure;
using Recommender.Tests.Learning;

namespace Recommender.Tests.Evaluation;

/// <summary>
/// The offline protocol on one ML-100K fold through the real service (REST import, retrain,
/// one HTTP query per test user), so a regression anywhere on that path fails the build. The
/// floor sits below the measured figure (u3: NDCG@10 0.448; the 5-fold mean is 0.481), and the
/// service must beat the in-process popularity yardstick on the same split.
/// </summary>
public sealed class ServiceEvaluationTests
{
    public const double NdcgFloor = 0.40;

    [SkippableFact]
    public async Task Offline_fold_u3_through_the_service_stays_above_the_floor_and_beats_popularity()
    {
        var data = DatasetReader.Open(MovieLensData.RequireFolder());
        await using var server = await ApiServer.StartAsync();
        var client = new RecommenderClient(server.BaseAddress);

        var (train, test) = data.Fold(3);
        var feedback = data.ToFeedback(train);
        var targets = Baselines.Targets(feedback, test);
        var evaluation = new ServiceOfflineEvaluation(client, DatasetMapping.For(data), k: 10, parallelism: 4);
        var (service, details) = await evaluation.RunAsync(3, train, targets, CancellationToken.None);
        var popularity = Baselines.Run(feedback, targets, new Baselines.Options { ItemKnn = false, PlainAls = false, Ease = false }).Single();

        Assert.True(details.ModelVersion >= 1, "the retrain must have published a model");
        Assert.True(details.Choice?.Searched == true, "the training must have searched its settings");
        Assert.True(service.Ndcg >= NdcgFloor, $"service NDCG@10 {service.Ndcg:F4} fell below the floor {NdcgFloor}");
        Assert.True(service.Ndcg > popularity.Scores.Ndcg + 0.1, $"service {service.Ndcg:F4} should beat popularity {popularity.Scores.Ndcg:F4} clearly");
    }
}
