using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Recommender.Api.Live;
using Recommender.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Recommender.Tests.Live;

/// <summary>A server whose grains drop a watch not renewed within 2 s, renewed every 0.4 s.</summary>
public sealed class ShortLeaseServer : IAsyncLifetime
{
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(2);
    public ApiServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await ApiServer.StartAsync(new Dictionary<string, string>
    {
        ["Recommender:WatchLease"] = "00:00:02",
        ["Live:RenewPeriod"] = "00:00:00.400",
        ["Model:DriftCheckPeriod"] = "01:00:00",
    });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// Watches outlive a forget of their user and a storm of concurrent watches and unwatches; the
/// grains' lease is short here, so a watch the relay stopped renewing shows within seconds.
/// </summary>
public sealed class PushLifecycleTests(ShortLeaseServer fixture, ITestOutputHelper output) : IClassFixture<ShortLeaseServer>
{
    private ApiServer Server => fixture.Server;

    private async Task<(HubConnection Hub, Channel<JsonElement> Pushes)> ConnectAsync()
    {
        var hub = new HubConnectionBuilder().WithUrl(new Uri(Server.BaseAddress, "/hubs/recommendations")).Build();
        var pushes = Channel.CreateUnbounded<JsonElement>();
        hub.On<JsonElement>("rankingChanged", m => pushes.Writer.TryWrite(m));
        await hub.StartAsync();
        return (hub, pushes);
    }

    private async Task PostAsync(object events) => (await Server.HttpClient.PostAsJsonAsync("/api/v1/events", events)).EnsureSuccessStatusCode();

    /// <summary>Reads pushes until one caused by <paramref name="eventId"/> arrives.</summary>
    private static async Task<JsonElement> PushCausedByAsync(Channel<JsonElement> pushes, string eventId, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        while (true)
        {
            var push = await pushes.Reader.ReadAsync(timeout.Token);
            if (push.GetProperty("cause") is { ValueKind: JsonValueKind.Object } cause && cause.GetProperty("eventId").GetString() == eventId) return push;
        }
    }

    [Fact]
    public async Task Pushes_continue_after_the_user_is_forgotten_and_comes_back()
    {
        var (hub, pushes) = await ConnectAsync();
        await using var _ = hub;
        const string user = "forgotten-1";
        await hub.InvokeAsync<JsonElement>("Watch", user, 5);
        for (var i = 1; i <= 3; i++) await PostAsync(new { userId = user, itemId = $"fi{i}", type = "like", eventId = $"before-{i}" });
        var before = await PushCausedByAsync(pushes, "before-3", TimeSpan.FromSeconds(10));

        Assert.Equal(System.Net.HttpStatusCode.NoContent, (await Server.HttpClient.DeleteAsync($"/api/v1/users/{user}")).StatusCode);

        await PostAsync(new { userId = user, itemId = "fi9", type = "like", eventId = "after-1" });
        var after = await PushCausedByAsync(pushes, "after-1", TimeSpan.FromSeconds(10));
        await PostAsync(new { userId = user, itemId = "fi8", type = "view", eventId = "after-2" });
        var later = await PushCausedByAsync(pushes, "after-2", TimeSpan.FromSeconds(10));
        output.WriteLine($"sequences: before the forget {before.GetProperty("sequence")}, after {after.GetProperty("sequence")}, {later.GetProperty("sequence")}");
        Assert.True(after.GetProperty("sequence").GetInt64() > before.GetProperty("sequence").GetInt64());
        Assert.True(later.GetProperty("sequence").GetInt64() > after.GetProperty("sequence").GetInt64());
    }

    [Fact]
    public async Task Many_connections_watching_and_unwatching_one_user_at_once_leave_the_watchers_served_after_the_lease()
    {
        const string user = "contended-1";
        const int connections = 8, rounds = 20;
        var hubs = new List<(HubConnection Hub, Channel<JsonElement> Pushes)>();
        for (var c = 0; c < connections; c++) hubs.Add(await ConnectAsync());
        try
        {
            // Every connection watches and unwatches at once; the first half ends watching, the
            // second half ends not watching, their last calls racing each other.
            await Task.WhenAll(hubs.Select(async (h, c) =>
            {
                for (var r = 0; r < rounds; r++)
                {
                    await h.Hub.InvokeAsync<JsonElement>("Watch", user, 5);
                    await h.Hub.InvokeAsync("Unwatch", user);
                }
                if (c < connections / 2) await h.Hub.InvokeAsync<JsonElement>("Watch", user, 5);
            }));
            await Task.Delay(ShortLeaseServer.Lease * 1.5);
            await PostAsync(new { userId = user, itemId = "ci1", type = "like", eventId = "contended-e1" });
            for (var c = 0; c < connections / 2; c++) await PushCausedByAsync(hubs[c].Pushes, "contended-e1", TimeSpan.FromSeconds(10));
            await Task.Delay(300);
            for (var c = connections / 2; c < connections; c++)
                Assert.False(hubs[c].Pushes.Reader.TryPeek(out var m) && m.GetProperty("cause").ValueKind == JsonValueKind.Object, $"connection {c} unwatched but got a push");
        }
        finally
        {
            foreach (var (h, _) in hubs) await h.DisposeAsync();
        }
    }

    /// <summary>
    /// The race of issue #11 finding 3, driven at the relay: the last watcher's Unwatch and another
    /// connection's Watch of the same user released together, once per user. Over a socket the two
    /// calls land microseconds apart and the window is a few hundred nanoseconds, so the trials run
    /// in-process; whether a watch was lost shows the way users see it: after the lease, every
    /// user's next event must reach a client in its group.
    /// </summary>
    [Fact]
    public async Task A_watch_racing_the_last_unwatch_is_never_lost()
    {
        const int users = 300;
        var relay = Server.Services.GetRequiredService<RankingPushRelay>();
        var hubContext = Server.Services.GetRequiredService<IHubContext<RecommendationsHub>>();
        var (listener, pushes) = await ConnectAsync();
        await using var _ = listener;
        var ids = Enumerable.Range(0, users).Select(i => $"raced-{i}").ToArray();
        // The listener hears every user's group without being one of the racing watchers.
        foreach (var id in ids) await hubContext.Groups.AddToGroupAsync(listener.ConnectionId!, RankingPushRelay.Group(id));
        foreach (var id in ids) await relay.WatchAsync("leaving-" + id, id, 5);

        // Both threads spin until the other arrives (a kernel wait would add microseconds of
        // jitter), then the joiner waits a little more each trial, sweeping its call across the window.
        var started = new ConcurrentBag<Task>();
        var arrivals = 0;
        void Meet(int trial)
        {
            Interlocked.Increment(ref arrivals);
            while (Volatile.Read(ref arrivals) < 2 * (trial + 1)) { }
        }
        var leave = new Thread(() =>
        {
            for (var i = 0; i < users; i++) { Meet(i); started.Add(relay.UnwatchAsync("leaving-" + ids[i], ids[i])); }
        });
        var join = new Thread(() =>
        {
            for (var i = 0; i < users; i++) { Meet(i); Thread.SpinWait(i % 24); started.Add(relay.WatchAsync("joining-" + ids[i], ids[i], 5)); }
        });
        leave.Start(); join.Start();
        leave.Join(); join.Join();
        await Task.WhenAll(started);

        await Task.Delay(ShortLeaseServer.Lease * 1.5);
        await PostAsync(ids.Select(id => new { userId = id, itemId = "ri1", type = "like", eventId = $"{id}-e1" }).ToArray());
        var reached = new HashSet<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            while (reached.Count < users)
            {
                var push = await pushes.Reader.ReadAsync(timeout.Token);
                if (push.GetProperty("cause").ValueKind == JsonValueKind.Object) reached.Add(push.GetProperty("userId").GetString()!);
            }
        }
        catch (OperationCanceledException) { }
        output.WriteLine($"{reached.Count} of {users} raced users still pushed after the lease; relay watches {relay.WatchedUsers}");
        Assert.Equal(users, reached.Count);
    }
}
