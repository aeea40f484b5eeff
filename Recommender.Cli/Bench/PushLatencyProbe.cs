using System.Collections.Concurrent;
using System.Diagnostics;
using Recommender.Client.Api;

namespace Recommender.Client.Bench;

/// <summary>
/// Event-to-push latency as a browser would feel it: from just before <c>POST /api/v1/events</c>
/// until the <c>rankingChanged</c> push caused by that event (matched by eventId) arrives on a
/// .NET SignalR client. <paramref name="watchedUsers"/> users are watched (one connection each,
/// up to 1,000); events go one at a time to users picked round-robin, optionally while
/// <paramref name="backgroundWriters"/> clients post events for unwatched users.
/// </summary>
public sealed class PushLatencyProbe(Uri baseUri, string? apiKey)
{
    public async Task<LatencyHistogram> RunAsync(int events, int watchedUsers, int backgroundWriters, CancellationToken ct)
    {
        var run = Guid.NewGuid().ToString("N")[..6];
        var client = new RecommenderClient(baseUri, apiKey);
        var waiting = new ConcurrentDictionary<string, TaskCompletionSource<long>>();
        var hubs = new List<RecommendationsHubClient>();
        var users = Enumerable.Range(0, watchedUsers).Select(u => $"push-{run}-{u}").ToArray();
        try
        {
            // A few connections carry all watched users, as a web server's clients would.
            var connections = Math.Min(watchedUsers, 50);
            for (var c = 0; c < connections; c++)
            {
                var hub = new RecommendationsHubClient(baseUri, apiKey);
                hub.RankingChanged += ranking =>
                {
                    if (ranking.Cause?.EventId is { } id && waiting.TryRemove(id, out var done)) done.TrySetResult(Stopwatch.GetTimestamp());
                };
                await hub.ConnectAsync(ct: ct);
                hubs.Add(hub);
            }
            for (var u = 0; u < users.Length; u++) await hubs[u % hubs.Count].WatchAsync(users[u], 10, ct);

            using var stopBackground = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var background = Enumerable.Range(0, backgroundWriters).Select(w => Task.Run(async () =>
            {
                var n = 0;
                while (!stopBackground.IsCancellationRequested)
                {
                    try
                    {
                        await client.PostEventAsync(new InteractionEvent($"noise-{run}-{w}-{n % 500}", $"item-{1 + n % 300:D3}", "view"), stopBackground.Token);
                    }
                    catch (OperationCanceledException) { break; }
                    n++;
                }
            })).ToArray();

            var latencies = new List<long>(events);
            for (var i = 0; i < events; i++)
            {
                var id = $"push-{run}-{i}";
                var done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
                waiting[id] = done;
                var start = Stopwatch.GetTimestamp();
                await client.PostEventAsync(new InteractionEvent(users[i % users.Length], $"item-{1 + (i * 7) % 300:D3}", i % 4 == 0 ? "like" : "view", EventId: id), ct);
                var arrived = await done.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
                latencies.Add(arrived - start);
            }
            stopBackground.Cancel();
            await Task.WhenAll(background);
            return new LatencyHistogram([latencies]);
        }
        finally
        {
            foreach (var hub in hubs) await hub.DisposeAsync();
        }
    }
}
