using System.Diagnostics;
using System.Net.Http.Json;
using Recommender.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Recommender.Tests.Soak;

/// <summary>
/// Ten minutes (RECO_SOAK_MINUTES) of mixed, rate-bounded load on a server process — single
/// events, batches, recommendations, item reads, popular — with its memory sampled every 30 s:
/// no error responses, and after warm-up the live managed heap stays flat. Users and item rows are
/// kept at their caps (idempotency window, items per user and users per item set low), so a
/// growing heap would be a leak, not a fuller working set. Each sample first makes the server run a
/// full collection (<see cref="InducedCollection"/>): the server GC otherwise leaves tens of MB of
/// dead objects in gen2 between its background collections, noise larger than a leak. The store is
/// an external redis-server, so the server's heap is the service's own: an embedded Garnet keeps
/// every list (the event logs) as managed objects in this process, and would grow with the data it
/// is given, as any database does.
/// </summary>
public sealed class LongRunTests(ITestOutputHelper output)
{
    private const int Users = 500;
    /// <summary>Requests per second, all workers together: load, not a stress test, so the suite's other tests keep their cores.</summary>
    private const int RequestsPerSecond = 150;

    [SkippableFact]
    public async Task Ten_minutes_of_mixed_load_keep_memory_flat_and_answer_without_errors()
    {
        var minutes = double.TryParse(Environment.GetEnvironmentVariable("RECO_SOAK_MINUTES"), out var m) ? m : 10;
        using var data = new TempDirectory();
        await using var redis = await RedisServerProcess.StartAsync();
        await using var server = new ApiProcess(data.Path, new Dictionary<string, string>
        {
            ["ConnectionStrings:redis"] = redis.ConnectionString,
            ["Recommender:SeedDemoCatalog"] = "true",
            ["Recommender:IdempotencyWindow"] = "00:00:00",
            ["Recommender:IdempotencyMinimumIds"] = "50",
            ["Recommender:MaxItemsPerUser"] = "50",
            // 500 users × 300 items would fill the item rows (≤ 2,000 users each) for the whole run.
            ["Model:MaxUsersPerItem"] = "50",
            // No retraining during the run: a training reads the whole (growing) log into memory,
            // which is data growth, not a leak; the drift rules have their own tests.
            ["Model:RetrainInterval"] = "00:00:00",
            ["Model:MinNewEventsForDrift"] = "1000000000",
            ["Model:RetrainWhenHitRateFallsTo"] = "0",
        });
        await server.StartAsync();
        using var http = server.CreateClient();
        await Eventually.Get(async () => (await http.GetFromJsonAsync<ItemTotal>("/api/v1/items?limit=1"))!.Total, n => n == 300,
            TimeSpan.FromSeconds(60), "the demo catalog is seeded");

        var deadline = DateTime.UtcNow.AddMinutes(minutes);
        var errors = 0;
        var requests = 0L;
        var errorSamples = new List<string>();
        var pace = TimeSpan.FromSeconds(5.0 / RequestsPerSecond); // each of 5 workers
        async Task Worker(int kind)
        {
            var random = new Random(kind);
            var next = Stopwatch.GetTimestamp();
            for (var i = 0; DateTime.UtcNow < deadline; i++)
            {
                var user = $"soak{random.Next(Users)}";
                var item = $"item-{1 + random.Next(300):D3}";
                using var response = kind switch
                {
                    0 => await http.PostAsJsonAsync("/api/v1/events", new { userId = user, itemId = item, type = random.Next(5) == 0 ? "like" : "view", eventId = $"s{kind}-{i}" }),
                    1 => await http.PostAsJsonAsync("/api/v1/events", Enumerable.Range(0, 20).Select(j => new
                    {
                        userId = $"soak{random.Next(Users)}", itemId = $"item-{1 + random.Next(300):D3}", type = "rating", value = 1 + random.Next(5), eventId = $"s{kind}-{i}-{j}",
                    })),
                    2 => await http.GetAsync($"/api/v1/users/{user}/recommendations?k=10"),
                    3 => await http.GetAsync($"/api/v1/items/{item}"),
                    _ => await http.GetAsync($"/api/v1/popular?k=10"),
                };
                Interlocked.Increment(ref requests);
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref errors);
                    lock (errorSamples) if (errorSamples.Count < 5) errorSamples.Add($"{(int)response.StatusCode} {response.RequestMessage?.RequestUri}");
                }
                next += (long)(pace.TotalSeconds * Stopwatch.Frequency);
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next);
                if (wait > TimeSpan.Zero) await Task.Delay(wait);
            }
        }

        var samples = new List<(double Minute, long Rss, long Heap)>();
        using var scraper = server.CreateClient();
        var sampler = Task.Run(async () =>
        {
            var start = DateTime.UtcNow;
            while (DateTime.UtcNow < deadline)
            {
                samples.Add(((DateTime.UtcNow - start).TotalMinutes, server.ResidentBytes(), await LiveHeapAsync(server.ProcessId, scraper)));
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, minutes * 6)));
            }
        });
        await Task.WhenAll(Enumerable.Range(0, 5).Select(Worker).Append(sampler));

        foreach (var (minute, rss, heap) in samples) output.WriteLine($"{minute,5:F1} min  live managed heap {heap / 1048576.0,7:F1} MB  RSS {rss / 1048576.0,7:F1} MB");
        output.WriteLine($"{requests} requests, {errors} errors {string.Join("; ", errorSamples)}");
        Assert.Equal(0, errors);
        Assert.True(requests > minutes * 60 * RequestsPerSecond * 0.5, $"only {requests} requests ran");

        // Flat: after the first third (warm-up, JIT, users and rows reaching their caps), the live
        // heap's low in the last third is within 15 % of its low in the middle third (measured
        // locally: 122 → 127 → 130 MB at 3, 6 and 9 minutes with uncapped rows still filling).
        var middle = samples.Where(s => s.Minute >= minutes / 3 && s.Minute < 2 * minutes / 3).Min(s => s.Heap);
        var late = samples.Where(s => s.Minute >= 2 * minutes / 3).Min(s => s.Heap);
        output.WriteLine($"live managed heap low: middle third {middle / 1048576.0:F1} MB, last third {late / 1048576.0:F1} MB");
        Assert.True(late < middle * 1.15, $"the live managed heap grew from {middle / 1048576.0:F1} MB to {late / 1048576.0:F1} MB after warm-up");
    }

    /// <summary>The server's managed heap right after a full collection induced for the purpose: its live objects, all generations.</summary>
    private static async Task<long> LiveHeapAsync(int processId, HttpClient http)
    {
        await InducedCollection.RunAsync(processId, async () => Sum(await http.GetStringAsync("/metrics"), "dotnet_gc_collections_total{", "\"gen2\""),
            TimeSpan.FromSeconds(30));
        return Sum(await http.GetStringAsync("/metrics"), "dotnet_gc_last_collection_heap_size_bytes{", null);
    }

    /// <summary>The sum of a Prometheus metric's samples, optionally only those whose labels contain <paramref name="label"/>.</summary>
    private static long Sum(string metrics, string metric, string? label)
    {
        long total = 0;
        foreach (var line in metrics.Split('\n'))
        {
            if (!line.StartsWith(metric, StringComparison.Ordinal) || (label is not null && !line.Contains(label, StringComparison.Ordinal))) continue;
            total += (long)double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        }
        return total;
    }

    private sealed record ItemTotal(int Total);
}
