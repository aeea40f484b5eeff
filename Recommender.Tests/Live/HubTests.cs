using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using Recommender.Tests.Infrastructure;

namespace Recommender.Tests.Live;

/// <summary>The hub pushes a new ranking after every event of a watched user, through the real Kestrel host.</summary>
public sealed class HubTests : IAsyncLifetime
{
    private ApiServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await ApiServer.StartAsync();
        var items = Enumerable.Range(1, 40).Select(i => new { itemId = $"h{i}", title = $"Hub item {i}", categories = new[] { i % 2 == 0 ? "Even" : "Odd" } });
        (await _server.HttpClient.PostAsJsonAsync("/api/v1/items", items)).EnsureSuccessStatusCode();
        // Background users so a model can be trained and rankings move.
        var history = Enumerable.Range(0, 30).SelectMany(u => Enumerable.Range(0, 8).Select(j => new
        {
            userId = $"bg{u}", itemId = $"h{(u % 2) + 1 + 2 * ((u * 7 + j * 3) % 20)}", type = "like",
        }));
        (await _server.HttpClient.PostAsJsonAsync("/api/v1/events", history)).EnsureSuccessStatusCode();
        (await _server.HttpClient.PostAsync("/api/v1/model/retrain?wait=true", null)).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<(HubConnection Hub, Channel<JsonElement> Pushes)> ConnectAsync()
    {
        var hub = new HubConnectionBuilder().WithUrl(new Uri(_server.BaseAddress, "/hubs/recommendations")).Build();
        var pushes = Channel.CreateUnbounded<JsonElement>();
        hub.On<JsonElement>("rankingChanged", m => pushes.Writer.TryWrite(m));
        await hub.StartAsync();
        return (hub, pushes);
    }

    [Fact]
    public async Task A_push_arrives_for_an_event_posted_through_REST()
    {
        var (hub, pushes) = await ConnectAsync();
        await using var connection = hub;
        var current = await hub.InvokeAsync<JsonElement>("Watch", "hub-user-1", 10);
        Assert.Equal("hub-user-1", current.GetProperty("userId").GetString());
        Assert.Equal(10, current.GetProperty("items").GetArrayLength());

        var post = await _server.HttpClient.PostAsJsonAsync("/api/v1/events",
            new { userId = "hub-user-1", itemId = "h2", type = "like", eventId = "hub-e1" });
        post.EnsureSuccessStatusCode();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var push = await pushes.Reader.ReadAsync(timeout.Token);
        Assert.Equal("hub-user-1", push.GetProperty("userId").GetString());
        Assert.Equal("hub-e1", push.GetProperty("cause").GetProperty("eventId").GetString());
        Assert.Equal("like", push.GetProperty("cause").GetProperty("type").GetString());
        Assert.Equal("personal", push.GetProperty("strategy").GetString());
        var ids = push.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("itemId").GetString()).ToArray();
        Assert.DoesNotContain("h2", ids);
        Assert.True(push.GetProperty("diff").TryGetProperty("added", out var added) && added.ValueKind == JsonValueKind.Array);
    }

    [Fact]
    public async Task After_fifty_quick_events_the_last_push_equals_the_REST_ranking()
    {
        var (hub, pushes) = await ConnectAsync();
        await using var connection = hub;
        await hub.InvokeAsync<JsonElement>("Watch", "hub-user-2", 10);

        var posts = Enumerable.Range(0, 50).Select(i => _server.HttpClient.PostAsJsonAsync("/api/v1/events",
            new { userId = "hub-user-2", itemId = $"h{1 + i % 40}", type = i % 5 == 0 ? "dislike" : "view", eventId = $"burst-{i}" }));
        foreach (var response in await Task.WhenAll(posts)) response.EnsureSuccessStatusCode();

        var expected = await _server.HttpClient.GetFromJsonAsync<JsonElement>("/api/v1/users/hub-user-2/recommendations?k=10");
        var expectedIds = expected.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("itemId").GetString()).ToArray();

        // The last push to arrive carries the ranking after all 50 events (sequence = log length 50).
        var last = await Eventually.Get(async () =>
        {
            JsonElement? latest = null;
            while (pushes.Reader.TryRead(out var m)) latest = m;
            await Task.Delay(20);
            return latest;
        }, m => m is { } p && p.GetProperty("sequence").GetInt64() == 50, TimeSpan.FromSeconds(10), "a push reflecting all 50 events");
        var pushedIds = last!.Value.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("itemId").GetString()).ToArray();
        Assert.Equal(expectedIds, pushedIds);
    }

    [Fact]
    public async Task Watch_refuses_an_invalid_user_id_or_k()
    {
        var (hub, _) = await ConnectAsync();
        await using var __ = hub;
        await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => hub.InvokeAsync<JsonElement>("Watch", "bad id/with slash", 10));
        await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => hub.InvokeAsync<JsonElement>("Watch", "fine-id", 0));
    }
}
