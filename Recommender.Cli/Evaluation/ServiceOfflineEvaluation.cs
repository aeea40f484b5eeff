using System.Collections.Concurrent;
using System.Diagnostics;
using Recommender.Client.Api;
using Recommender.Client.Datasets;
using Recommender.Learning;

namespace Recommender.Client.Evaluation;

/// <summary>
/// One offline split against a fresh service: import the catalogue and the training rows through
/// the REST API, retrain and wait, then ask the top K of every test user (the service excludes what
/// the user interacted with) and score it against the user's test items — all of them relevant,
/// minus those already in the user's training rows (the same targets <see cref="Baselines"/> uses,
/// so the service's row and the in-process yardsticks are comparable line by line).
/// </summary>
public sealed class ServiceOfflineEvaluation(RecommenderClient client, DatasetMapping mapping, int k = 10, int parallelism = 8)
{
    public const string ServiceMethod = "service";

    /// <summary>Reports (stage, done, total) as the split progresses.</summary>
    public Action<string, int, int>? Progress { get; init; }

    public async Task<(EvaluationRow Service, RunDetails Details)> RunAsync(int? fold, DataEvent[] train, Dictionary<int, int[]> targets, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var data = mapping.Data;
        foreach (var chunk in data.Items.Select(mapping.ToItem).Chunk(5000))
            await client.PostItemsAsync(chunk, ct).ConfigureAwait(false);

        var sent = 0;
        var uploader = new EventUploader(client, batchSize: 1000, maxInFlight: 4)
        {
            BatchDone = n => Progress?.Invoke("import", Interlocked.Add(ref sent, n), train.Length),
        };
        await uploader.UploadAsync(mapping.ToEvents(train), ct).ConfigureAwait(false);
        var importSeconds = clock.Elapsed.TotalSeconds;

        Progress?.Invoke("retrain", 0, 1);
        var model = await RetrainOrSkip.RunAsync(client, ct).ConfigureAwait(false);
        var trainSeconds = clock.Elapsed.TotalSeconds - importSeconds;

        var itemIndex = new Dictionary<string, int>(data.Items.Length, StringComparer.Ordinal);
        for (var i = 0; i < data.Items.Length; i++) itemIndex[data.Items[i].Id] = i;
        var scores = new ConcurrentDictionary<int, RankingScores>();
        var strategies = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var done = 0;
        await Parallel.ForEachAsync(targets, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct }, async (user, token) =>
        {
            var recs = await client.GetRecommendationsAsync(mapping.UserId(user.Key), k, ct: token).ConfigureAwait(false);
            var ranked = recs.Items.OrderBy(i => i.Rank).Select(i => itemIndex.GetValueOrDefault(i.ItemId, -1)).ToArray();
            scores[user.Key] = RankingMetrics.Evaluate(ranked, user.Value.ToHashSet(), k);
            strategies.AddOrUpdate(recs.Strategy ?? "?", 1, (_, n) => n + 1);
            Progress?.Invoke("query", Interlocked.Increment(ref done), targets.Count);
        }).ConfigureAwait(false);
        var querySeconds = clock.Elapsed.TotalSeconds - importSeconds - trainSeconds;

        var mean = new RankingAccumulator();
        foreach (var user in targets.Keys.Order()) mean.Add(scores[user]);
        var details = new RunDetails(fold, train.Length, targets.Count, importSeconds, trainSeconds, querySeconds,
            model.Version, model.TrainingMs, new Dictionary<string, int>(strategies), model.Choice);
        return (EvaluationRow.From(ServiceMethod, fold, mean.Mean, targets.Count, clock.Elapsed.TotalSeconds), details);
    }
}
