using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using Recommender.Tests.Api;
using Recommender.Tests.Infrastructure;

namespace Recommender.Tests.Experiments;

/// <summary>
/// Impressions and attribution end to end, counted exactly (docs/API.md, "Impressions and
/// attribution"): a server of its own, since an experiment changes what every user is served and
/// the online counters are global.
/// </summary>
public sealed class AttributionTests : IAsyncLifetime
{
    private ApiServer _server = null!;
    private HttpClient Http => _server.HttpClient;

    public async Task InitializeAsync() => _server = await ApiServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>30 items of one category, item i liked by 30 − i fans (so lists are deterministic); returns the items.</summary>
    private async Task<string[]> Shop()
    {
        var items = Enumerable.Range(0, 30).Select(i => $"shop-{i}").ToArray();
        await (await Http.PostAsJsonAsync("/api/v1/items", items.Select((id, i) => new { itemId = id, title = $"Item {i}", categories = new[] { "shop" } }).ToArray())).OkJsonAsync();
        await Http.PostEventsAsync(items.SelectMany((id, i) => Enumerable.Range(0, 30 - i).Select(f => new { userId = $"fan-{i}-{f}", itemId = id, type = "like" })).ToArray());
        await Eventually.Get(() => Http.GetOkJsonAsync("/api/v1/popular?k=30"), list => list.GetProperty("items").GetArrayLength() == 30, because: "the shop's items are popular");
        return items;
    }

    private static object Event(string user, string item, string type, string? eventId = null, string? recommendationId = null) =>
        recommendationId is null ? new { userId = user, itemId = item, type, eventId } : new { userId = user, itemId = item, type, eventId, recommendationId };

    /// <summary>The online metrics summed over every group: (impressions, items served, events, hits, conversions, position sum / events, unmatched).</summary>
    private async Task<(long Impressions, long Items, long Events, long Hits, long Conversions, double MeanPosition, long Unmatched)> Totals()
    {
        var metrics = await Http.GetOkJsonAsync("/api/v1/metrics/online?window=1h");
        var groups = metrics.GetProperty("groups").EnumerateArray().ToArray();
        long Sum(string name) => groups.Sum(g => g.GetProperty(name).GetInt64());
        var events = Sum("events");
        var positions = groups.Sum(g => g.GetProperty("meanPosition").GetDouble() * g.GetProperty("events").GetInt64());
        return (Sum("impressions"), Sum("itemsServed"), events, Sum("hits"), Sum("conversions"), events == 0 ? 0 : positions / events, metrics.GetProperty("unmatched").GetInt64());
    }

    [Fact]
    public async Task Events_with_and_without_a_recommendationId_are_attributed_exactly_once()
    {
        var items = await Shop();
        // The fans' own lists: none asked for one, so nothing is counted yet.
        Assert.Equal((0L, 0L), (await Totals() is var t0 ? (t0.Impressions, t0.Events) : default));

        // u1: one list of 10 (an impression).
        var a = await Http.GetOkJsonAsync("/api/v1/users/u1/recommendations?k=10");
        var aId = a.GetProperty("recommendationId").GetString()!;
        var aItems = a.GetProperty("items").ItemIds();
        await Http.PostEventsAsync(new[]
        {
            Event("u1", aItems[2], "like", "e1", aId),              // by id, rank 3: the list's first hit
        });
        await Http.PostEventsAsync(new[] { Event("u1", aItems[2], "like", "e1", aId) }); // a replay (same event id): not counted
        await Http.PostEventsAsync(new[]
        {
            Event("u1", aItems[2], "view", "e2", aId),              // another kind on the same item: counted
            Event("u1", aItems[2], "view", "e3", aId),              // the same kind again: not counted twice
            Event("u1", aItems[5], "like", "e4"),                   // no id: the newest list showing it (rank 6)
            Event("u1", aItems[0], "purchase", "e5", aId),          // rank 1, the list's conversion
            Event("u1", aItems[1], "dislike", "e6", aId),           // negative: never attributed
            Event("u1", "shop-29-not-listed", "like", "e7"),        // not in any list shown: not attributed
            Event("u1", aItems[3], "like", "e8", "0123456789abcdef0123456789abcdef"), // an unknown id: unmatched
        });

        // u2: a list of 10 and its next page of 10 (one impression, 20 items served); an event on rank 13 by id.
        var b = await Http.GetOkJsonAsync("/api/v1/users/u2/recommendations?k=10");
        var bId = b.GetProperty("recommendationId").GetString()!;
        var page = await Http.GetOkJsonAsync($"/api/v1/users/u2/recommendations/next?recommendationId={bId}&k=10");
        var pageItems = page.GetProperty("items").ItemIds();
        await Http.PostEventsAsync(new[] { Event("u2", pageItems[2], "like", "f1", bId) });

        // u3: a pushed list (hub Watch) is an impression too; an event carrying its id is attributed to it.
        var hub = new HubConnectionBuilder().WithUrl(new Uri(_server.BaseAddress, "/hubs/recommendations")).Build();
        await hub.StartAsync();
        try
        {
            var pushes = Channel.CreateUnbounded<JsonElement>();
            hub.On<JsonElement>("rankingChanged", m => pushes.Writer.TryWrite(m));
            var watched = await hub.InvokeAsync<JsonElement>("Watch", "u3", 5);
            var cId = watched.GetProperty("recommendationId").GetString()!;
            Assert.False(string.IsNullOrEmpty(cId));
            await Http.PostEventsAsync(new[] { Event("u3", watched.GetProperty("items").ItemIds()[1], "click", "g1", cId) });
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var push = await pushes.Reader.ReadAsync(timeout.Token); // the push after the event: a new list, a new id
            Assert.NotEqual(cId, push.GetProperty("recommendationId").GetString());
        }
        finally
        {
            await hub.DisposeAsync();
        }

        // Impressions: A, B, the watch's list and the push after u3's event (4). Items: 10 + 20 + 5 + 5.
        // Events: u1 like, view, like (no id), purchase; u2 like; u3 click = 6. Hits: A, B, C = 3. Conversions: 1.
        // Positions: 3 + 3 + 6 + 1 + 13 + 2 = 28 → mean 28/6.
        var expected = (Impressions: 4L, Items: 40L, Events: 6L, Hits: 3L, Conversions: 1L, MeanPosition: 28 / 6.0, Unmatched: 1L);
        var totals = await Eventually.Get(Totals, t => t.Events >= expected.Events && t.Impressions >= expected.Impressions && t.Unmatched >= 1,
            TimeSpan.FromSeconds(20), "the silo flushed its counters");
        await Task.Delay(TimeSpan.FromSeconds(2.5)); // two more flushes: nothing late may add to them
        totals = await Totals();
        Assert.Equal(expected.Impressions, totals.Impressions);
        Assert.Equal(expected.Items, totals.Items);
        Assert.Equal(expected.Events, totals.Events);
        Assert.Equal(expected.Hits, totals.Hits);
        Assert.Equal(expected.Conversions, totals.Conversions);
        Assert.Equal(expected.MeanPosition, totals.MeanPosition, 6);
        Assert.Equal(expected.Unmatched, totals.Unmatched);

        // The same counts per process in Prometheus' exposition (labelled by strategy, model version, variant).
        var prometheus = await Http.GetStringAsync("/metrics");
        Assert.Contains("recommender_impressions", prometheus);
        Assert.Contains("recommender_attributed_events", prometheus);
        Assert.Contains("type=\"purchase\"", prometheus);

        // A window beyond the counters' retention (24 h) is refused, not silently shortened.
        await (await Http.GetAsync("/api/v1/metrics/online?window=2d")).AssertValidationProblemAsync("window");

        // A malformed id is a 400 naming the field, and changes nothing.
        var bad = await Http.PostAsJsonAsync("/api/v1/events", new[] { new { userId = "u1", itemId = aItems[4], type = "like", recommendationId = "not an id!" } });
        await bad.AssertValidationProblemAsync("[0].recommendationId");
    }

    [Fact]
    public async Task An_experiment_serves_each_variant_its_configuration_and_counts_its_results_exactly()
    {
        var items = await Shop();
        var create = await Http.PostAsJsonAsync("/api/v1/experiments", new
        {
            id = "pop-vs-learned", start = true,
            variants = new object[]
            {
                new { name = "learned", share = 1 },
                new { name = "popular", share = 1, serving = new { strategy = "popular" } },
            },
        });
        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        var variants = new Dictionary<string, List<string>>();
        var listIds = new Dictionary<string, string>();
        for (var i = 0; i < 20; i++)
        {
            var user = $"x{i}";
            await Http.PostEventsAsync(new[] { Event(user, items[29 - i % 3], "like", $"{user}-seed") });
            var list = await Http.GetOkJsonAsync($"/api/v1/users/{user}/recommendations?k=5");
            var variant = list.GetProperty("variant").GetString()!;
            Assert.Equal("pop-vs-learned", list.GetProperty("experiment").GetString());
            if (variant == "popular") Assert.Equal("popular", list.GetProperty("strategy").GetString());
            (variants.TryGetValue(variant, out var users) ? users : variants[variant] = []).Add(user);
            listIds[user] = list.GetProperty("recommendationId").GetString()!;
            // The second item of every list, by id.
            await Http.PostEventsAsync(new[] { Event(user, list.GetProperty("items").ItemIds()[1], "like", $"{user}-click", listIds[user]) });
        }
        Assert.Equal(2, variants.Count);

        var results = await Eventually.Get(() => Http.GetOkJsonAsync("/api/v1/experiments/pop-vs-learned/results"),
            r => r.GetProperty("variants").EnumerateArray().Sum(v => v.GetProperty("events").GetInt64()) >= 20, TimeSpan.FromSeconds(20), "the counters are flushed");
        foreach (var v in results.GetProperty("variants").EnumerateArray())
        {
            var name = v.GetProperty("name").GetString()!;
            var n = variants[name].Count;
            Assert.Equal((long)n, v.GetProperty("impressions").GetInt64());
            Assert.Equal((long)n, v.GetProperty("events").GetInt64());
            Assert.Equal((long)n, v.GetProperty("hits").GetInt64());
            Assert.Equal((long)n, v.GetProperty("users").GetInt64());
            Assert.Equal(1.0, v.GetProperty("hitRate").GetProperty("value").GetDouble());
        }

        // One experiment at a time; a declared winner becomes everyone's default.
        var second = await Http.PostAsJsonAsync("/api/v1/experiments", new { id = "another", start = true, variants = new object[] { new { name = "a", share = 1 }, new { name = "b", share = 1 } } });
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        var declared = await (await Http.PostAsJsonAsync("/api/v1/experiments/pop-vs-learned/winner", new { variant = "popular" })).OkJsonAsync();
        Assert.Equal("stopped", declared.GetProperty("status").GetString());
        Assert.Equal("popular", declared.GetProperty("winner").GetString());
        Assert.Equal("popular", (await Http.GetOkJsonAsync("/api/v1/serving")).GetProperty("strategy").GetString());
        var after = await Http.GetOkJsonAsync($"/api/v1/users/{variants["learned"][0]}/recommendations?k=5");
        Assert.Equal("popular", after.GetProperty("strategy").GetString());
        Assert.Equal(JsonValueKind.Null, after.GetProperty("experiment").ValueKind);
    }

    [Theory]
    [InlineData("""{"variants":[{"name":"a","share":1},{"name":"b","share":1}]}""", "id")]
    [InlineData("""{"id":"e","variants":[{"name":"a","share":1}]}""", "variants")]
    [InlineData("""{"id":"e","variants":[{"name":"a","share":1},{"name":"a","share":1}]}""", "variants[1].name")]
    [InlineData("""{"id":"e","variants":[{"name":"a","share":0},{"name":"b","share":1}]}""", "variants[0].share")]
    [InlineData("""{"id":"e","variants":[{"name":"a","share":1},{"name":"b","share":1,"serving":{"strategy":"random"}}]}""", "variants[1].serving.strategy")]
    [InlineData("""{"id":"e","variants":[{"name":"a","share":1},{"name":"b","share":1,"serving":{"filter":"price <"}}]}""", "variants[1].serving.filter")]
    [InlineData("""{"id":"e","holdout":0.9,"variants":[{"name":"a","share":1},{"name":"b","share":1}]}""", "holdout")]
    [InlineData("""{"id":"e","metric":"revenue","variants":[{"name":"a","share":1},{"name":"b","share":1}]}""", "metric")]
    [InlineData("""{"id":"e","variants":[{"name":"holdout","share":1},{"name":"b","share":1}]}""", "variants[0].name")]
    [InlineData("""{"id":"e","colour":"red","variants":[{"name":"a","share":1},{"name":"b","share":1}]}""", "colour")]
    [InlineData("""{"id":"e","variants":[{"name":"a","share":"1"},{"name":"b","share":1}]}""", "variants[0].share")]
    [InlineData("""{"id":"e","variants":[{"name":"a","share":1},{"name":"b","share":1,"serving":{"applyRules":"no"}}]}""", "variants[1].serving.applyRules")]
    [InlineData("""{"id":"e","name":"","variants":[{"name":"a","share":1},{"name":"b","share":1}]}""", "name")]
    public async Task A_bad_experiment_is_a_400_naming_the_field_and_creates_nothing(string body, string field)
    {
        await (await Http.PostRawAsync("/api/v1/experiments", body)).AssertValidationProblemAsync(field);
        Assert.Equal(0, (await Http.GetOkJsonAsync("/api/v1/experiments")).GetArrayLength());
    }
}
