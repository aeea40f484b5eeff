using System.Diagnostics;
using Recommender.Client.Api;
using Recommender.Client.Datasets;
using Recommender.Learning;

namespace Recommender.Client.Evaluation;

/// <summary>
/// Test-then-learn on a stream of top ratings (the rating-5 rows in time order, stable for equal
/// timestamps) against a fresh service: the first 20% imported and batch-trained, the next 10% sent
/// one by one (warm-up), then for each of the last 70%: ask the user's top K, count a hit when the
/// event's item is in it, then send the event. The popularity baseline is computed here from the
/// same stream (counts so far, minus the user's seen items).
/// </summary>
public sealed class ServicePrequentialEvaluation(RecommenderClient client, DatasetMapping mapping, int k = 10)
{
    public const string ServiceMethod = "service";
    public const string PopularityMethod = "popularity (stream counts)";

    public Action<string, int, int>? Progress { get; init; }

    /// <summary>The stream: rows rated 5 (or the scale's top), in time order.</summary>
    public static (DataEvent[] Train, DataEvent[] WarmUp, DataEvent[] Test) Split(Dataset data, double trainShare = 0.2, double warmUpShare = 0.1)
    {
        var stream = data.Events.Where(e => e.Kind == EvidenceKind.Rating && e.Value >= 5 && e.UnixSeconds > 0).OrderBy(e => e.UnixSeconds).ToArray();
        var trainEnd = (int)(stream.Length * trainShare);
        var warmEnd = (int)(stream.Length * (trainShare + warmUpShare));
        return (stream[..trainEnd], stream[trainEnd..warmEnd], stream[warmEnd..]);
    }

    public async Task<(EvaluationRow Service, EvaluationRow Popularity, RunDetails Details)> RunAsync(CancellationToken ct)
    {
        var data = mapping.Data;
        var (train, warmUp, test) = Split(data);
        if (test.Length == 0) throw new InvalidOperationException($"{data.Name} has no timestamped top ratings to stream (the prequential protocol needs them).");
        var clock = Stopwatch.StartNew();
        var baseline = new StreamingPopularity();
        var events = mapping.ToEvents([.. train, .. warmUp, .. test]).ToArray();

        foreach (var chunk in data.Items.Select(mapping.ToItem).Chunk(5000))
            await client.PostItemsAsync(chunk, ct).ConfigureAwait(false);
        var sent = 0;
        var uploader = new EventUploader(client, batchSize: 1000, maxInFlight: 4)
        {
            BatchDone = n => Progress?.Invoke("import", Interlocked.Add(ref sent, n), train.Length),
        };
        await uploader.UploadAsync(events[..train.Length], ct).ConfigureAwait(false);
        foreach (var e in events[..train.Length]) baseline.Observe(e.UserId, e.ItemId);

        var importSeconds = clock.Elapsed.TotalSeconds;
        Progress?.Invoke("retrain", 0, 1);
        var model = await RetrainOrSkip.RunAsync(client, ct).ConfigureAwait(false);
        var trainSeconds = clock.Elapsed.TotalSeconds - importSeconds;

        for (var i = train.Length; i < train.Length + warmUp.Length; i++)
        {
            await client.PostEventAsync(events[i], ct).ConfigureAwait(false);
            baseline.Observe(events[i].UserId, events[i].ItemId);
            Progress?.Invoke("warm-up", i - train.Length + 1, warmUp.Length);
        }

        var service = new RankingAccumulator();
        var popularity = new RankingAccumulator();
        var strategies = new Dictionary<string, int>(StringComparer.Ordinal);
        var baselineTicks = 0L;
        var testClock = Stopwatch.StartNew();
        for (var i = train.Length + warmUp.Length; i < events.Length; i++)
        {
            var e = events[i];
            var relevant = new HashSet<string>(StringComparer.Ordinal) { e.ItemId };
            var recs = await client.GetRecommendationsAsync(e.UserId, k, ct: ct).ConfigureAwait(false);
            service.Add(Score(recs.Items.OrderBy(x => x.Rank).Select(x => x.ItemId), e.ItemId));
            strategies[recs.Strategy ?? "?"] = strategies.GetValueOrDefault(recs.Strategy ?? "?") + 1;

            var t0 = Stopwatch.GetTimestamp();
            popularity.Add(Score(baseline.TopK(e.UserId, k), e.ItemId));
            baseline.Observe(e.UserId, e.ItemId);
            baselineTicks += Stopwatch.GetTimestamp() - t0;

            await client.PostEventAsync(e, ct).ConfigureAwait(false);
            Progress?.Invoke("test", i - train.Length - warmUp.Length + 1, test.Length);
        }

        var baselineSeconds = (double)baselineTicks / Stopwatch.Frequency;
        var details = new RunDetails(null, train.Length, test.Length, importSeconds, trainSeconds,
            testClock.Elapsed.TotalSeconds, model.Version, model.TrainingMs, strategies, model.Choice);
        return (
            EvaluationRow.From(ServiceMethod, null, service.Mean, service.Users, clock.Elapsed.TotalSeconds - baselineSeconds),
            EvaluationRow.From(PopularityMethod, null, popularity.Mean, popularity.Users, baselineSeconds),
            details);
    }

    /// <summary>One event's list against its one relevant item (recall@K is then the hit rate over events).</summary>
    private RankingScores Score(IEnumerable<string> ranked, string item) =>
        RankingMetrics.Evaluate(ranked.Select(id => id == item ? 0 : -1).ToArray(), new HashSet<int> { 0 }, k);
}
