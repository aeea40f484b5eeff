using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Recommender.Api.Live;
using Recommender.Tests.Security;
using Xunit.Abstractions;

namespace Recommender.Tests.Live;

/// <summary>
/// Production with a small budget for the read key (20 calls per 3 s) and at most 10 watched users
/// per connection: the attack of issue #11 (one WebSocket, 20,000 Watch calls, 20,502 user grains)
/// in miniature.
/// </summary>
public sealed class HubLimitedServer : SecuredServer
{
    public const int ReadPermitLimit = 20;
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(3);
    public const int MaxWatches = 10;

    protected override IDictionary<string, string> ExtraSettings => new Dictionary<string, string>
    {
        ["Security:RateLimit:Window"] = "00:00:03",
        ["Security:ApiKeys:0:PermitLimit"] = ReadPermitLimit.ToString(),
        ["Security:ApiKeys:2:PermitLimit"] = "1000",
        ["Live:MaxWatchesPerConnection"] = MaxWatches.ToString(),
    };
}

/// <summary>
/// Hub invocations draw from the key's rate limit like HTTP requests, a connection watches a
/// bounded number of users, and both refusals are hub errors: the connection stays open and usable.
/// </summary>
public sealed class HubLimitTests(HubLimitedServer fixture, ITestOutputHelper output) : IClassFixture<HubLimitedServer>
{
    private async Task<HubConnection> ConnectAsync(string key)
    {
        var hub = new HubConnectionBuilder().WithUrl(new Uri(fixture.Server.BaseAddress, "/hubs/recommendations"),
            o => o.AccessTokenProvider = () => Task.FromResult<string?>(key)).Build();
        await hub.StartAsync();
        return hub;
    }

    /// <summary>User grain activations in the (co-hosted) silo.</summary>
    private async Task<int> UserActivationsAsync()
    {
        var management = fixture.Server.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        var statistics = await management.GetSimpleGrainStatistics();
        return statistics.Where(s => s.GrainType.Contains("UserGrain", StringComparison.Ordinal)).Sum(s => s.ActivationCount);
    }

    [Fact]
    public async Task A_flood_of_Watch_calls_is_refused_beyond_the_keys_rate_limit_and_the_connection_stays_usable()
    {
        const int calls = 300;
        await using var hub = await ConnectAsync(SecuredServer.ReadKey);
        var relay = fixture.Server.Services.GetRequiredService<RankingPushRelay>();
        var activationsBefore = await UserActivationsAsync();
        int accepted = 0, rateLimited = 0, overCap = 0;
        var other = new List<string>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < calls; i++)
        {
            try
            {
                await hub.InvokeAsync<JsonElement>("Watch", $"flood-{i}", 5);
                accepted++;
            }
            catch (HubException e) when (e.Message.Contains("rate limit", StringComparison.OrdinalIgnoreCase)) { rateLimited++; }
            catch (HubException e) when (e.Message.Contains("at most", StringComparison.OrdinalIgnoreCase)) { overCap++; }
            catch (HubException e) { other.Add(e.Message); }
        }
        var elapsed = clock.Elapsed;
        var activationsAfter = await UserActivationsAsync();
        output.WriteLine($"{calls} Watch calls in {elapsed.TotalSeconds:F2} s: {accepted} accepted, {rateLimited} rate-limited, {overCap} over the watch cap, {other.Count} other; " +
                         $"user grain activations {activationsBefore} → {activationsAfter}; relay watches {relay.WatchedUsers}");

        Assert.Empty(other);
        Assert.Equal(HubConnectionState.Connected, hub.State);
        // Each window of 3 s grants the key 20 calls (the negotiation and the WebSocket's request took some).
        var windows = (int)Math.Ceiling(elapsed / HubLimitedServer.Window) + 1;
        Assert.True(accepted + overCap <= windows * HubLimitedServer.ReadPermitLimit, $"{accepted + overCap} calls passed the limiter in {windows} windows");
        Assert.True(rateLimited >= calls - windows * HubLimitedServer.ReadPermitLimit, $"only {rateLimited} calls were rate-limited");
        Assert.InRange(accepted, 1, HubLimitedServer.MaxWatches);
        Assert.True(activationsAfter - activationsBefore <= HubLimitedServer.MaxWatches, $"{activationsAfter - activationsBefore} user grains activated");
        Assert.True(relay.WatchedUsers <= HubLimitedServer.MaxWatches, $"{relay.WatchedUsers} users watched");

        // The same connection works again in the next window.
        await Task.Delay(HubLimitedServer.Window + TimeSpan.FromMilliseconds(500));
        var again = await hub.InvokeAsync<JsonElement>("Watch", "flood-0", 5);
        Assert.Equal("flood-0", again.GetProperty("userId").GetString());
    }

    [Fact]
    public async Task A_connection_watches_at_most_the_configured_number_of_users()
    {
        await using var hub = await ConnectAsync(SecuredServer.AdminKey);
        var refusals = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            try { await hub.InvokeAsync<JsonElement>("Watch", $"capped-{i}", 5); }
            catch (HubException e) { refusals.Add(e.Message); }
        }
        output.WriteLine(refusals.FirstOrDefault() ?? "no refusal");
        Assert.Equal(30 - HubLimitedServer.MaxWatches, refusals.Count);
        Assert.All(refusals, m => Assert.Contains($"at most {HubLimitedServer.MaxWatches}", m));

        // Watching a user already watched (a new k) is no new watch; after an Unwatch there is room again.
        await hub.InvokeAsync<JsonElement>("Watch", "capped-0", 8);
        await hub.InvokeAsync("Unwatch", "capped-1");
        var next = await hub.InvokeAsync<JsonElement>("Watch", "capped-20", 5);
        Assert.Equal("capped-20", next.GetProperty("userId").GetString());
        await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<JsonElement>("Watch", "capped-21", 5));
        Assert.Equal(HubConnectionState.Connected, hub.State);

        // Another connection has its own allowance.
        await using var second = await ConnectAsync(SecuredServer.AdminKey);
        await second.InvokeAsync<JsonElement>("Watch", "capped-25", 5);
    }
}
