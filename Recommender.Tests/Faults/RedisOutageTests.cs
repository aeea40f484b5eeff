using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Recommender.Tests.Cluster;
using Recommender.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Recommender.Tests.Faults;

/// <summary>
/// The store goes away under load and comes back (SIGKILL of redis-server, restarted on the same
/// port and data folder): requests fail fast with 503 problem details, readiness turns unhealthy
/// while liveness stays up, the service recovers by itself, and no acknowledged event is lost or
/// applied twice.
/// </summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class RedisOutageTests(ITestOutputHelper output)
{
    private const int Users = 12;
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(5);
    private static readonly string[] Types = ["view", "click", "like", "dislike", "share", "purchase"];

    private sealed record Event(string userId, string itemId, string type, string eventId);

    [SkippableFact]
    public async Task While_Redis_is_down_requests_fail_fast_with_503_and_the_service_recovers_without_losing_events()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        using var data = new TempDirectory();
        await using var api = new ApiProcess(data.Path, new Dictionary<string, string>
        {
            ["ConnectionStrings:redis"] = redis.ConnectionString,
            ["Storage:CommandTimeout"] = CommandTimeout.ToString(),
            ["Recommender:SnapshotInterval"] = "00:00:01",
            ["Security:RequireApiKeys"] = "false",
        });
        await api.StartAsync();
        using var http = new HttpClient { BaseAddress = api.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

        var sequence = 0;
        Event[] NextBatch()
        {
            var n = Interlocked.Add(ref sequence, 2);
            return [.. Enumerable.Range(n - 2, 2).Select(i => new Event($"r{i % Users}", $"i{i % 23}", Types[i % Types.Length], $"r-{i}"))];
        }

        var acknowledged = new ConcurrentDictionary<string, Event>();
        var unacknowledged = new ConcurrentQueue<Event[]>();
        var outcomes = new ConcurrentBag<(long At, int Status, long Ms, string? ContentType)>();
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();

        async Task<bool> Send(Event[] batch)
        {
            var sent = clock.ElapsedMilliseconds;
            using var response = await ClusterProcesses.PostAsync(http, batch);
            outcomes.Add((sent, (int)response.StatusCode, clock.ElapsedMilliseconds - sent, response.Content.Headers.ContentType?.MediaType));
            if (response.StatusCode != HttpStatusCode.OK) return false;
            foreach (var e in batch) acknowledged[e.eventId] = e;
            return true;
        }

        var clients = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var batch = NextBatch();
                if (!await Send(batch)) unacknowledged.Enqueue(batch);
                await Task.Delay(20);
            }
        })).ToArray();

        await Task.Delay(1500);
        var ackedBefore = acknowledged.Count;
        Assert.True(ackedBefore > 0, "events flow before the outage");

        // The outage: Redis dies; readiness and liveness are polled alongside the stream.
        var killedAt = clock.ElapsedMilliseconds;
        await redis.KillAsync();
        var deadAt = clock.ElapsedMilliseconds; // requests sent before this may still have been answered
        var health = new List<(long At, string Path, int Status, long Ms)>();
        while (clock.ElapsedMilliseconds - killedAt < Outage.TotalMilliseconds)
        {
            foreach (var path in new[] { "/health/ready", "/health/live" })
            {
                var sent = clock.ElapsedMilliseconds;
                using var response = await http.GetAsync(path);
                health.Add((sent, path, (int)response.StatusCode, clock.ElapsedMilliseconds - sent));
            }
            await Task.Delay(250);
        }

        // Redis returns on the same port and data: time to the first acknowledged event and to ready.
        var restartedAt = clock.ElapsedMilliseconds;
        await redis.StartProcessAsync();
        var readyAt = (await Eventually.Get(async () =>
        {
            using var response = await http.GetAsync("/health/ready");
            return (Ok: response.IsSuccessStatusCode, At: clock.ElapsedMilliseconds);
        }, r => r.Ok, TimeSpan.FromSeconds(60), "ready again after Redis returned")).At;
        await Eventually.Get(() => Task.FromResult(outcomes.Any(o => o.At > restartedAt && o.Status == 200)), ok => ok, TimeSpan.FromSeconds(60), "an event acknowledged after Redis returned");
        stop.Cancel();
        await Task.WhenAll(clients);
        var firstOkAfter = outcomes.Where(o => o.At > restartedAt && o.Status == 200).Min(o => o.At + o.Ms);

        // The clients resend what was not acknowledged, with the same event ids.
        var resent = 0;
        while (unacknowledged.TryDequeue(out var batch))
        {
            Assert.True(await Send(batch), "a resent batch is acknowledged once Redis is back");
            resent += batch.Length;
        }

        var during = outcomes.Where(o => o.At >= deadAt && o.At + o.Ms <= restartedAt).ToArray();
        var failedDuring = during.Where(o => o.Status != 200).ToArray();
        output.WriteLine($"sent {sequence} events; {ackedBefore} acknowledged before the outage; {acknowledged.Count} acknowledged in the end ({resent} after resending)");
        output.WriteLine($"during the outage: {during.Length} requests, statuses {string.Join(", ", during.GroupBy(o => o.Status).Select(g => $"{g.Key} x{g.Count()}"))}; " +
                         $"worst latency {(during.Length > 0 ? during.Max(o => o.Ms) : 0)} ms (command timeout {CommandTimeout.TotalMilliseconds} ms)");
        output.WriteLine($"health during the outage: {string.Join(", ", health.GroupBy(h => (h.Path, h.Status)).Select(g => $"{g.Key.Path} {g.Key.Status} x{g.Count()} (worst {g.Max(h => h.Ms)} ms)"))}");
        output.WriteLine($"Redis restarted at +{restartedAt - killedAt} ms; first 200 {firstOkAfter - restartedAt} ms later; ready {readyAt - restartedAt} ms later");

        Assert.NotEmpty(failedDuring);
        // Once in CI two batches were answered 500 in the outage (not reproduced in 3 local runs):
        // the server's log says which exception was not recognised as "unavailable".
        if (outcomes.Any(o => o.Status == 500))
            Assert.Fail("500 answers: " + string.Join(", ", outcomes.Where(o => o.Status == 500).Select(o => $"+{o.At - killedAt} ms")) +
                        "\n--- server log, its errors ---\n" + string.Join("\n", api.Output.Split('\n').Where(l => l.Contains("fail:", StringComparison.Ordinal) || l.Contains("Exception", StringComparison.Ordinal)).Take(80)));
        Assert.All(failedDuring, o => Assert.Equal(503, o.Status));
        Assert.All(failedDuring, o => Assert.Equal("application/problem+json", o.ContentType));
        Assert.True(during.Max(o => o.Ms) < CommandTimeout.TotalMilliseconds * 3 + 1000, $"requests fail fast (worst {during.Max(o => o.Ms)} ms)");
        Assert.Contains(health, h => h.Path == "/health/ready" && h.Status == 503);
        Assert.All(health.Where(h => h.Path == "/health/live"), h => Assert.Equal(200, h.Status));
        Assert.DoesNotContain(outcomes, o => o.Status == 500);

        var replayed = await ReplayMatchesAsync(http, acknowledged);

        // Snapshots written across the outage agree with the log: restart the API (SIGKILL) and compare again.
        await api.KillAsync();
        await api.StartAsync();
        Assert.Equal(replayed, await ReplayMatchesAsync(http, acknowledged));
    }

    /// <summary>Each user's export holds exactly the acknowledged events, once each, and the profile's counts replay them.</summary>
    private static async Task<string> ReplayMatchesAsync(HttpClient http, ConcurrentDictionary<string, Event> acknowledged)
    {
        var summary = new System.Text.StringBuilder();
        foreach (var user in acknowledged.Values.GroupBy(e => e.userId).OrderBy(g => g.Key))
        {
            var response = await http.GetAsync($"/api/v1/users/{user.Key}/export");
            response.EnsureSuccessStatusCode();
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var root = doc.RootElement;
            var logged = root.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("eventId").GetString()!).ToArray();
            Assert.Equal(user.Select(e => e.eventId).Order(), logged.Order());
            var profile = root.GetProperty("profile");
            Assert.Equal(user.Count(), profile.GetProperty("totalEvents").GetInt32());
            foreach (var type in Types)
                Assert.Equal(user.Count(e => e.type == type), profile.GetProperty("counts").GetProperty(type).GetInt32());
            var items = root.GetProperty("items").EnumerateObject().Select(p => p.Name).Order().ToArray();
            Assert.Equal(user.Select(e => e.itemId).Distinct().Order(), items);
            summary.Append(user.Key).Append(':').Append(profile.GetProperty("totalEvents").GetInt32()).Append(' ');
        }
        return summary.ToString();
    }
}
