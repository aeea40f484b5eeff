using System.Diagnostics;
using Recommender.Client.Api;
using Recommender.Client.MovieLens;

namespace Recommender.Client.Evaluation;

/// <summary>
/// Test-then-learn on the rating-5 stream against a fresh service: the first 20% imported and
/// batch-trained, the next 10% sent one by one (warm-up), then for each of the last 70%: ask the
/// user's top K, count a hit when the event's item is in it, then send the event. The popularity
/// baseline is computed here from the same stream (counts so far, minus the user's seen items).
/// </summary>
public sealed class PrequentialEvaluation(RecommenderClient client, MovieLensMapping mapping, int k = 10)
{
    public const string ServiceMethod = "service";
    public const string PopularityMethod = "popularity (stream counts)";

    public Action<string, int, int>? Progress { get; init; }

    public async Task<(EvaluationRow Service, EvaluationRow Popularity, RunDetails Details)> RunAsync(
        IReadOnlyList<MovieLensMovie> movies,
        PrequentialSplit split,
        TimestampPolicy time,
        CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var baseline = new StreamingPopularity();

        foreach (var chunk in movies.Select(mapping.ToItem).Chunk(5000))
        {
            await client.PostItemsAsync(chunk, ct).ConfigureAwait(false);
        }

        var sent = 0;
        var uploader = new EventUploader(client, batchSize: 1000, maxInFlight: 4)
        {
            BatchDone = n => Progress?.Invoke("import", Interlocked.Add(ref sent, n), split.Train.Count),
        };
        await uploader.UploadAsync(split.Train.Select(r => mapping.ToEvent(r, time)), ct).ConfigureAwait(false);
        foreach (var r in split.Train)
        {
            baseline.Observe(mapping.UserId(r.UserId), mapping.ItemId(r.MovieId));
        }

        var importSeconds = clock.Elapsed.TotalSeconds;
        Progress?.Invoke("retrain", 0, 1);
        var model = await RetrainOrSkip.RunAsync(client, ct).ConfigureAwait(false);
        var trainSeconds = clock.Elapsed.TotalSeconds - importSeconds;

        for (var i = 0; i < split.WarmUp.Count; i++)
        {
            var r = split.WarmUp[i];
            await client.PostEventAsync(mapping.ToEvent(r, time), ct).ConfigureAwait(false);
            baseline.Observe(mapping.UserId(r.UserId), mapping.ItemId(r.MovieId));
            Progress?.Invoke("warm-up", i + 1, split.WarmUp.Count);
        }

        var service = new MetricsAccumulator(k);
        var popularity = new MetricsAccumulator(k);
        var strategies = new Dictionary<string, int>(StringComparer.Ordinal);
        var baselineTicks = 0L;
        var testClock = Stopwatch.StartNew();
        for (var i = 0; i < split.Test.Count; i++)
        {
            var r = split.Test[i];
            var user = mapping.UserId(r.UserId);
            var item = mapping.ItemId(r.MovieId);
            IReadOnlySet<string> relevant = new HashSet<string>(StringComparer.Ordinal) { item };

            var recs = await client.GetRecommendationsAsync(user, k, ct: ct).ConfigureAwait(false);
            service.Add(recs.Items.OrderBy(x => x.Rank).Select(x => x.ItemId).ToList(), relevant);
            strategies[recs.Strategy ?? "?"] = strategies.GetValueOrDefault(recs.Strategy ?? "?") + 1;

            var t0 = Stopwatch.GetTimestamp();
            popularity.Add(baseline.TopK(user, k), relevant);
            baseline.Observe(user, item);
            baselineTicks += Stopwatch.GetTimestamp() - t0;

            await client.PostEventAsync(mapping.ToEvent(r, time), ct).ConfigureAwait(false);
            Progress?.Invoke("test", i + 1, split.Test.Count);
        }

        var baselineSeconds = (double)baselineTicks / Stopwatch.Frequency;
        var details = new RunDetails(
            null, split.Train.Count, split.Test.Count, importSeconds, trainSeconds,
            testClock.Elapsed.TotalSeconds, model.Version, model.TrainingMs, strategies);
        return (
            EvaluationRow.From(ServiceMethod, null, service, clock.Elapsed.TotalSeconds - baselineSeconds),
            EvaluationRow.From(PopularityMethod, null, popularity, baselineSeconds),
            details);
    }
}
