using System.Diagnostics;
using Recommender.Client.Api;

namespace Recommender.Client.Bench;

/// <summary>
/// Runs one bounded phase: <c>concurrency</c> workers call <c>operation</c> back to back until the
/// duration is over or the unit budget (events) is spent. Each call's latency is recorded.
/// </summary>
public static class LoadRunner
{
    /// <param name="operation">One request; returns how many units (events) it carried.</param>
    public static async Task<BenchResult> RunAsync(
        string phase,
        int concurrency,
        int unitsPerCall,
        TimeSpan duration,
        long? unitBudget,
        Func<Random, CancellationToken, Task> operation,
        CancellationToken ct)
    {
        var latencies = new List<long>[concurrency];
        long units = 0, requests = 0, errors = 0, reserved = 0;
        string? firstError = null;
        var clock = Stopwatch.StartNew();
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);

        var workers = Enumerable.Range(0, concurrency).Select(w => Task.Run(
            async () =>
            {
                var mine = latencies[w] = new List<long>(4096);
                var random = new Random(unchecked(Environment.TickCount * 31 + w));
                while (!ct.IsCancellationRequested && Stopwatch.GetTimestamp() < deadline)
                {
                    if (unitBudget is { } budget && Interlocked.Add(ref reserved, unitsPerCall) > budget)
                    {
                        break;
                    }

                    var start = Stopwatch.GetTimestamp();
                    try
                    {
                        await operation(random, ct).ConfigureAwait(false);
                        mine.Add(Stopwatch.GetTimestamp() - start);
                        Interlocked.Add(ref units, unitsPerCall);
                    }
                    catch (Exception ex) when (ex is HttpRequestException or RecommenderApiException or TaskCanceledException && !ct.IsCancellationRequested)
                    {
                        Interlocked.Increment(ref errors);
                        Interlocked.CompareExchange(ref firstError, ex.Message, null);
                    }

                    Interlocked.Increment(ref requests);
                }
            },
            ct)).ToArray();
        await Task.WhenAll(workers).ConfigureAwait(false);
        var seconds = clock.Elapsed.TotalSeconds;

        var histogram = new LatencyHistogram(latencies.Where(l => l is not null));
        return new BenchResult(
            phase,
            concurrency,
            unitsPerCall,
            requests,
            units,
            errors,
            seconds,
            units / seconds,
            requests / seconds,
            OrNull(histogram.PercentileMs(50)),
            OrNull(histogram.PercentileMs(95)),
            OrNull(histogram.PercentileMs(99)),
            OrNull(histogram.MaxMs),
            firstError);
    }

    private static double? OrNull(double value) => double.IsNaN(value) ? null : value;
}
