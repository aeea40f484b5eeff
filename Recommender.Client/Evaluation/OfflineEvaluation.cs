using System.Collections.Concurrent;
using System.Diagnostics;
using Recommender.Client.Api;
using Recommender.Client.MovieLens;

namespace Recommender.Client.Evaluation;

/// <summary>
/// One offline fold against a fresh service: import the catalog and the fold's training ratings,
/// retrain and wait, then ask the top K of every test user (the service excludes what the user
/// interacted with) and score it against the user's test items. The popularity baseline ranks
/// <c>GET /api/v1/popular</c> minus the user's training items, from the same service and run.
/// </summary>
public sealed class OfflineEvaluation(RecommenderClient client, MovieLensMapping mapping, int k = 10, int parallelism = 8)
{
    public const string ServiceMethod = "service";
    public const string PopularityMethod = "popularity (GET /popular)";

    /// <summary>Reports (stage, done, total) as the fold progresses.</summary>
    public Action<string, int, int>? Progress { get; init; }

    public async Task<(EvaluationRow Service, EvaluationRow Popularity, RunDetails Details)> RunFoldAsync(
        int fold,
        IReadOnlyList<MovieLensMovie> movies,
        IReadOnlyList<MovieLensRating> train,
        IReadOnlyList<MovieLensRating> test,
        TimestampPolicy time,
        CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();

        foreach (var chunk in movies.Select(mapping.ToItem).Chunk(5000))
        {
            await client.PostItemsAsync(chunk, ct).ConfigureAwait(false);
        }

        var sent = 0;
        var uploader = new EventUploader(client, batchSize: 1000, maxInFlight: 4)
        {
            BatchDone = n => Progress?.Invoke("import", Interlocked.Add(ref sent, n), train.Count),
        };
        await uploader.UploadAsync(train.Select(r => mapping.ToEvent(r, time)), ct).ConfigureAwait(false);
        var importSeconds = clock.Elapsed.TotalSeconds;

        Progress?.Invoke("retrain", 0, 1);
        var model = await RetrainOrSkip.RunAsync(client, ct).ConfigureAwait(false);
        var trainSeconds = clock.Elapsed.TotalSeconds - importSeconds;

        var trainItems = train.GroupBy(r => r.UserId)
            .ToDictionary(g => g.Key, g => g.Select(r => mapping.ItemId(r.MovieId)).ToHashSet(StringComparer.Ordinal));
        var testItems = test.GroupBy(r => r.UserId)
            .ToDictionary(g => g.Key, g => (IReadOnlySet<string>)g.Select(r => mapping.ItemId(r.MovieId)).ToHashSet(StringComparer.Ordinal));

        var service = new MetricsAccumulator(k);
        var strategies = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var done = 0;
        await Parallel.ForEachAsync(
            testItems,
            new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct },
            async (user, token) =>
            {
                var recs = await client.GetRecommendationsAsync(mapping.UserId(user.Key), k, ct: token).ConfigureAwait(false);
                service.Add(recs.Items.OrderBy(i => i.Rank).Select(i => i.ItemId).ToList(), user.Value);
                strategies.AddOrUpdate(recs.Strategy ?? "?", 1, (_, n) => n + 1);
                Progress?.Invoke("query", Interlocked.Increment(ref done), testItems.Count);
            }).ConfigureAwait(false);
        var querySeconds = clock.Elapsed.TotalSeconds - importSeconds - trainSeconds;

        var popularClock = Stopwatch.StartNew();
        var popular = await GetPopularListAsync(movies.Count, ct).ConfigureAwait(false);
        var baseline = new MetricsAccumulator(k);
        foreach (var (user, relevant) in testItems)
        {
            var seen = trainItems.GetValueOrDefault(user);
            baseline.Add(popular.Where(i => seen?.Contains(i) != true).Take(k).ToList(), relevant);
        }

        var details = new RunDetails(
            fold, train.Count, testItems.Count, importSeconds, trainSeconds, querySeconds,
            model.Version, model.TrainingMs, new Dictionary<string, int>(strategies));
        return (
            EvaluationRow.From(ServiceMethod, fold, service, clock.Elapsed.TotalSeconds - popularClock.Elapsed.TotalSeconds),
            EvaluationRow.From(PopularityMethod, fold, baseline, popularClock.Elapsed.TotalSeconds),
            details);
    }

    /// <summary>The whole popular list if the service allows such a k, else the largest it allows (tried downwards).</summary>
    private async Task<IReadOnlyList<string>> GetPopularListAsync(int itemCount, CancellationToken ct)
    {
        foreach (var size in new[] { itemCount, 1000, 500, 100 }.Where(n => n <= Math.Max(itemCount, 100)).Distinct())
        {
            try
            {
                var popular = await client.GetPopularAsync(size, ct: ct).ConfigureAwait(false);
                return popular.Items.OrderBy(i => i.Rank).Select(i => i.ItemId).ToList();
            }
            catch (RecommenderApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.BadRequest)
            {
                // k above the service's cap: try smaller
            }
        }

        return [];
    }
}
