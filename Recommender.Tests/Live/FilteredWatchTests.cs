using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Recommender.Tests.Infrastructure;

namespace Recommender.Tests.Live;

/// <summary>A catalogue of 40 items with a <c>colour</c> (red for odd, blue for even) and a <c>price</c> (the item's number).</summary>
public sealed class FilteredWatchServer : IAsyncLifetime
{
    public ApiServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await ApiServer.StartAsync();
        var items = Enumerable.Range(1, 40).Select(i => new
        {
            itemId = $"fw{i}", title = $"Filtered item {i}", categories = new[] { i % 2 == 0 ? "Even" : "Odd" },
            properties = new { colour = i % 2 == 0 ? "blue" : "red", price = i },
        });
        (await Server.HttpClient.PostAsJsonAsync("/api/v1/items", items)).EnsureSuccessStatusCode();
        var history = Enumerable.Range(0, 30).SelectMany(u => Enumerable.Range(0, 8).Select(j => new
        {
            userId = $"fwbg{u}", itemId = $"fw{(u % 2) + 1 + 2 * ((u * 7 + j * 3) % 20)}", type = "like",
        }));
        (await Server.HttpClient.PostAsJsonAsync("/api/v1/events", history)).EnsureSuccessStatusCode();
        (await Server.HttpClient.PostAsync("/api/v1/model/retrain?wait=true", null)).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// <c>WatchFiltered</c>: connections watching one user under different filters each get pushes ranked
/// under their own filter; an invalid filter is a hub error naming where and why, the connection stays.
/// </summary>
public sealed class FilteredWatchTests(FilteredWatchServer fixture) : IClassFixture<FilteredWatchServer>
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

    private static async Task<JsonElement> PushCausedByAsync(Channel<JsonElement> pushes, string eventId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var push = await pushes.Reader.ReadAsync(timeout.Token);
            if (push.GetProperty("cause") is { ValueKind: JsonValueKind.Object } cause && cause.GetProperty("eventId").GetString() == eventId) return push;
        }
    }

    private static int[] Numbers(JsonElement ranking) =>
        [.. ranking.GetProperty("items").EnumerateArray().Select(i => int.Parse(i.GetProperty("itemId").GetString()!["fw".Length..]))];

    [Fact]
    public async Task Two_connections_on_one_user_with_different_filters_each_get_pushes_under_their_own()
    {
        const string user = "fw-user-1";
        var (red, redPushes) = await ConnectAsync();
        var (cheap, cheapPushes) = await ConnectAsync();
        var (plain, plainPushes) = await ConnectAsync();
        await using var _ = red;
        await using var __ = cheap;
        await using var ___ = plain;

        var redNow = await red.InvokeAsync<JsonElement>("WatchFiltered", user, 10, "colour = 'red'");
        var cheapNow = await cheap.InvokeAsync<JsonElement>("WatchFiltered", user, 10,
            new { filter = "price <= $max AND colour = 'blue'", @params = new { max = 12 } });
        var plainNow = await plain.InvokeAsync<JsonElement>("Watch", user, 10);
        Assert.All(Numbers(redNow), n => Assert.True(n % 2 == 1, $"fw{n} is not red"));
        Assert.Equal([2, 4, 6, 8, 10, 12], Numbers(cheapNow).Order().ToArray());
        Assert.Equal(10, Numbers(plainNow).Length);
        Assert.NotEqual(redNow.GetProperty("rules").GetString(), cheapNow.GetProperty("rules").GetString());
        Assert.Equal(JsonValueKind.Null, plainNow.GetProperty("rules").ValueKind);

        await PostAsync(new { userId = user, itemId = "fw3", type = "like", eventId = "fw-e1" });
        var redPush = await PushCausedByAsync(redPushes, "fw-e1");
        var cheapPush = await PushCausedByAsync(cheapPushes, "fw-e1");
        var plainPush = await PushCausedByAsync(plainPushes, "fw-e1");
        Assert.Equal(10, Numbers(redPush).Length);
        Assert.All(Numbers(redPush), n => Assert.True(n % 2 == 1 && n != 3, $"fw{n} pushed under colour = 'red'"));
        Assert.Equal([2, 4, 6, 8, 10, 12], Numbers(cheapPush).Order().ToArray());
        Assert.Equal(10, Numbers(plainPush).Length);

        // Each push is the REST ranking under the same filter.
        var rest = await Server.HttpClient.GetFromJsonAsync<JsonElement>($"/api/v1/users/{user}/recommendations?k=10&filter={Uri.EscapeDataString("colour = 'red'")}");
        Assert.Equal(Numbers(rest), Numbers(redPush));
        var restPlain = await Server.HttpClient.GetFromJsonAsync<JsonElement>($"/api/v1/users/{user}/recommendations?k=10");
        Assert.Equal(Numbers(restPlain), Numbers(plainPush));
        // A connection never hears another filter's push.
        await Task.Delay(200);
        while (redPushes.Reader.TryRead(out var extra)) Assert.All(Numbers(extra), n => Assert.True(n % 2 == 1));
    }

    [Fact]
    public async Task A_deleted_item_disappears_from_the_next_push()
    {
        const string user = "fw-user-2";
        var (hub, pushes) = await ConnectAsync();
        await using var _ = hub;
        var now = await hub.InvokeAsync<JsonElement>("WatchFiltered", user, 5, new { filter = "colour = 'blue'" });
        var first = Numbers(now)[0];

        Assert.Equal(HttpStatusCode.NoContent, (await Server.HttpClient.DeleteAsync($"/api/v1/items/fw{first}")).StatusCode);
        await PostAsync(new { userId = user, itemId = "fw39", type = "view", eventId = "fw-e2" });
        var push = await PushCausedByAsync(pushes, "fw-e2");
        Assert.DoesNotContain(first, Numbers(push));
        Assert.Equal(5, Numbers(push).Length);
        Assert.All(Numbers(push), n => Assert.True(n % 2 == 0));
    }

    [Fact]
    public async Task Watching_again_with_another_filter_replaces_the_connections_watch()
    {
        const string user = "fw-user-3";
        var (hub, pushes) = await ConnectAsync();
        await using var _ = hub;
        await hub.InvokeAsync<JsonElement>("WatchFiltered", user, 5, "colour = 'red'");
        var blue = await hub.InvokeAsync<JsonElement>("WatchFiltered", user, 5, "colour = 'blue'");
        Assert.All(Numbers(blue), n => Assert.True(n % 2 == 0));
        await PostAsync(new { userId = user, itemId = "fw5", type = "like", eventId = "fw-e3" });
        var push = await PushCausedByAsync(pushes, "fw-e3");
        Assert.All(Numbers(push), n => Assert.True(n % 2 == 0, $"fw{n} pushed after the watch moved to blue"));
        await Task.Delay(300);
        Assert.False(pushes.Reader.TryRead(out var stale), $"a second push for one event: {stale}");
    }

    [Theory]
    [InlineData("colour == 'red'", "filter: at 7: unknown operator '=='")]
    [InlineData("(price < 5", "filter: at 10: expected ')'")]
    [InlineData("price < $max", "param.max")]
    public async Task An_invalid_filter_is_a_hub_error_with_its_position_and_reason_and_the_connection_stays(string filter, string expected)
    {
        var (hub, _) = await ConnectAsync();
        await using var __ = hub;
        var refused = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<JsonElement>("WatchFiltered", "fw-user-4", 5, filter));
        Assert.Contains(expected, refused.Message);
        var unknown = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<JsonElement>("WatchFiltered", "fw-user-4", 5, new { filterName = "no-such-filter" }));
        Assert.Contains("filterName", unknown.Message);
        Assert.Equal(HubConnectionState.Connected, hub.State);
        Assert.Equal(5, Numbers(await hub.InvokeAsync<JsonElement>("Watch", "fw-user-4", 5)).Length);
    }

    [Fact]
    public async Task A_stored_filter_with_parameters_ranks_the_watch()
    {
        (await Server.HttpClient.PutAsJsonAsync("/api/v1/filters/fw-under", new { expression = "price < $max" })).EnsureSuccessStatusCode();
        var (hub, _) = await ConnectAsync();
        await using var __ = hub;
        var missing = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<JsonElement>("WatchFiltered", "fw-user-5", 10, new { filterName = "fw-under" }));
        Assert.Contains("param.max", missing.Message);
        var now = await hub.InvokeAsync<JsonElement>("WatchFiltered", "fw-user-5", 10, new { filterName = "fw-under", @params = new { max = 4 } });
        Assert.Equal([1, 2, 3], Numbers(now).Order().ToArray());
    }
}
