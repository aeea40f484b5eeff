using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using Recommender.Tests.Infrastructure;

namespace Recommender.Tests.Api;

/// <summary>
/// A server of its own: promotions and boosts hold for every user of the server they are stored
/// on, so on the shared one they would reach other tests' lists. The model is never trained here
/// (the pre-model ranking orders a one-category shop by popularity: predictable), and every test
/// removes the rules it stored.
/// </summary>
public sealed class PromotionServerFixture : IAsyncLifetime
{
    public ApiServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await ApiServer.StartAsync(new Dictionary<string, string>
    {
        ["Model:RetrainInterval"] = "00:00:00",
        ["Model:DriftCheckPeriod"] = "1.00:00:00",
    });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public sealed class PromotionTests(PromotionServerFixture fixture) : IClassFixture<PromotionServerFixture>
{
    private HttpClient Http => fixture.Server.HttpClient;

    private static string Q(string text) => Uri.EscapeDataString(text);

    /// <summary>
    /// Twelve items in a category of their own, item i liked by 12 − i users (so item 0 is the most
    /// popular), price 10·(i+1); items 2, 4, 6, 8 and 10 are sponsored.
    /// </summary>
    private async Task<(string Category, string[] Items)> Shop()
    {
        var category = ApiTestKit.NewId("promo");
        var items = Enumerable.Range(0, 12).Select(i => $"{category}-{i}").ToArray();
        await (await Http.PostAsJsonAsync("/api/v1/items", items.Select((id, i) => Item(id, i, category)).ToArray())).OkJsonAsync();
        await Http.PostEventsAsync(items.SelectMany((id, i) => Enumerable.Range(0, 12 - i).Select(_ => new { userId = ApiTestKit.NewId("fan"), itemId = id, type = "like" })).ToArray());
        await Eventually.Get(() => Http.GetOkJsonAsync($"/api/v1/popular?k=20&category={category}"),
            list => list.GetProperty("items").ItemIds().SequenceEqual(items), because: "the shop's items are popular in order");
        return (category, items);
    }

    private static object Item(string id, int i, string category, bool hidden = false) => new
    {
        itemId = id, title = $"Item {i}", categories = new[] { category }, hidden,
        properties = new Dictionary<string, object> { ["price"] = 10 * (i + 1), ["sponsored"] = i % 2 == 0 && i > 0, ["shop"] = category },
    };

    /// <summary>A user who liked item 0 (so their list is personal and item 0 is seen).</summary>
    private async Task<string> UserOf(string[] items)
    {
        var user = ApiTestKit.NewId("u");
        await Http.PostEventsAsync(new[] { new { userId = user, itemId = items[0], type = "like" } });
        return user;
    }

    private async Task<JsonElement[]> Recommend(string user, string category, string extra = "") =>
        [.. (await Http.GetOkJsonAsync($"/api/v1/users/{user}/recommendations?k=10&category={category}{extra}")).GetProperty("items").EnumerateArray()];

    private static string Id(JsonElement item) => item.GetProperty("itemId").GetString()!;

    private static string? Promotion(JsonElement item) =>
        item.TryGetProperty("promotion", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;

    private async Task<string> PutPromotion(object body, string? name = null)
    {
        name ??= ApiTestKit.NewId("p");
        await (await Http.PutAsJsonAsync($"/api/v1/promotions/{name}", body)).OkJsonAsync();
        return name;
    }

    private async Task Delete(string kind, string name) =>
        Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync($"/api/v1/{kind}/{name}")).StatusCode);

    [Fact]
    public async Task A_promotion_fills_its_places_with_the_users_best_matching_items_and_the_rest_shifts_down()
    {
        var (category, items) = await Shop();
        var user = await UserOf(items);
        var organic = await Recommend(user, category, "&rules=false");
        Assert.All(organic, i => Assert.Null(Promotion(i)));

        var name = await PutPromotion(new { filter = $"sponsored = true AND shop = '{category}'", slots = 2, per = 10, positions = new[] { 2, 6 } });
        try
        {
            var promoted = await Recommend(user, category);
            Assert.Equal(10, promoted.Length);
            Assert.Equal(10, promoted.Select(Id).Distinct().Count());
            Assert.Equal(Enumerable.Range(1, 10), promoted.Select(i => i.GetProperty("rank").GetInt32()));
            // Exactly two, at places 2 and 6, marked.
            Assert.Equal(new[] { 1, 5 }, promoted.Select((item, index) => (item, index)).Where(p => Promotion(p.item) is not null).Select(p => p.index));
            foreach (var item in new[] { promoted[1], promoted[5] })
            {
                Assert.Equal(name, Promotion(item));
                Assert.Equal("promoted", item.GetProperty("reason").GetString());
            }
            // The best sponsored items by the user's own order (the whole organic ranking), best first.
            var all = (await Http.GetOkJsonAsync($"/api/v1/users/{user}/recommendations?k=100&category={category}&rules=false")).GetProperty("items").ItemIds();
            var sponsored = new[] { items[2], items[4], items[6], items[8], items[10] };
            Assert.Equal(all.Where(sponsored.Contains).Take(2), new[] { Id(promoted[1]), Id(promoted[5]) });
            // The others are the organic list without the promoted items, in order (shifted down).
            var rest = promoted.Where(i => Promotion(i) is null).Select(Id).ToArray();
            Assert.Equal(all.Where(id => id != Id(promoted[1]) && id != Id(promoted[5])).Take(8), rest);
            Assert.DoesNotContain(items[0], promoted.Select(Id));

            // rules=false: the organic list, nothing promoted.
            Assert.Equal(organic.Select(Id), (await Recommend(user, category, "&rules=false")).Select(Id));
            // Evenly spread when no positions are given (3 and 8), and the share follows k: 5 → 1 place.
            await PutPromotion(new { filter = $"sponsored = true AND shop = '{category}'", slots = 2, per = 10 }, name);
            var spread = await Recommend(user, category);
            Assert.Equal(new[] { 2, 7 }, spread.Select((item, index) => (item, index)).Where(p => Promotion(p.item) is not null).Select(p => p.index));
            var five = (await Http.GetOkJsonAsync($"/api/v1/users/{user}/recommendations?k=5&category={category}")).GetProperty("items").EnumerateArray().ToArray();
            Assert.Single(five, i => Promotion(i) == name);
        }
        finally
        {
            await Delete("promotions", name);
        }
        Assert.All(await Recommend(user, category), i => Assert.Null(Promotion(i)));
    }

    [Fact]
    public async Task A_promotion_never_shows_a_seen_hidden_excluded_or_request_filtered_item()
    {
        var (category, items) = await Shop();
        var user = ApiTestKit.NewId("u");
        // Seen: items 0 and 2 (a sponsored one); hidden: item 4; excluded: item 6; filtered out (price ≥ 90): item 8 and 10.
        await Http.PostEventsAsync(new[] { new { userId = user, itemId = items[0], type = "like" }, new { userId = user, itemId = items[2], type = "view" } });
        await (await Http.PutAsJsonAsync($"/api/v1/items/{items[4]}", Item(items[4], 4, category, hidden: true))).OkJsonAsync();
        await Eventually.Get(() => Http.GetOkJsonAsync($"/api/v1/popular?k=20&category={category}"),
            list => !list.GetProperty("items").ItemIds().Contains(items[4]), because: "the hidden item leaves the lists");
        var name = await PutPromotion(new { filter = $"sponsored = true AND shop = '{category}'", slots = 5, per = 10 });
        try
        {
            var list = await Recommend(user, category, $"&exclude={items[6]}&filter={Q("price < 90")}");
            Assert.DoesNotContain(list, i => Promotion(i) is not null);
            var served = list.Select(Id).ToArray();
            foreach (var never in new[] { items[0], items[2], items[4], items[6], items[8], items[10] }) Assert.DoesNotContain(never, served);

            // Without the request's filter, items 8 and 10 are all that is left to promote (at places 2 and 4 of the five spread ones).
            var allowed = await Recommend(user, category, $"&exclude={items[6]}");
            Assert.Equal(new[] { items[8], items[10] }, allowed.Where(i => Promotion(i) == name).Select(Id));
            Assert.Equal(new[] { 1, 3 }, allowed.Select((item, index) => (item, index)).Where(p => Promotion(p.item) is not null).Select(p => p.index));
        }
        finally
        {
            await Delete("promotions", name);
        }
    }

    [Fact]
    public async Task Disabled_expired_and_future_promotions_are_not_applied_and_all_promotions_fill_at_most_half()
    {
        var (category, items) = await Shop();
        var user = await UserOf(items);
        var filter = $"shop = '{category}'";
        var names = new List<string>();
        try
        {
            names.Add(await PutPromotion(new { filter, slots = 3, per = 10, enabled = false }));
            names.Add(await PutPromotion(new { filter, slots = 3, per = 10, endsAt = DateTimeOffset.UtcNow.AddMinutes(-1) }));
            names.Add(await PutPromotion(new { filter, slots = 3, per = 10, startsAt = DateTimeOffset.UtcNow.AddDays(1) }));
            Assert.All(await Recommend(user, category), i => Assert.Null(Promotion(i)));
            var listed = await Http.GetOkJsonAsync("/api/v1/promotions");
            Assert.All(listed.EnumerateArray().Where(p => names.Contains(p.GetProperty("name").GetString()!)), p => Assert.False(p.GetProperty("active").GetBoolean()));

            // Two active promotions of 4 per 10 each, applied by name: the second gets the one free place of the
            // five (at most half of 10), the first free one of its own positions (1, 3 are free; 2, 4 taken).
            var first = "a" + ApiTestKit.NewId("p");
            var second = "b" + ApiTestKit.NewId("p");
            names.Add(await PutPromotion(new { filter = $"{filter} AND sponsored = true", slots = 4, per = 10 }, first));
            names.Add(await PutPromotion(new { filter = $"{filter} AND sponsored = false", slots = 4, per = 10, positions = new[] { 1, 2, 3, 4 } }, second));
            var list = await Recommend(user, category);
            Assert.Equal(4, list.Count(i => Promotion(i) == first));
            Assert.Equal(1, list.Count(i => Promotion(i) == second));
            Assert.Equal(second, Promotion(list[0]));
            Assert.Equal(10, list.Select(Id).Distinct().Count());
        }
        finally
        {
            foreach (var name in names) await Delete("promotions", name);
        }
    }

    [Fact]
    public async Task A_boost_moves_a_matching_item_up_in_personal_and_popular_lists()
    {
        var (category, items) = await Shop();
        var user = await UserOf(items);
        var last = items[^1];
        var before = (await Recommend(user, category)).Select(Id).ToList();
        var popularBefore = (await Http.GetOkJsonAsync($"/api/v1/popular?k=20&category={category}")).GetProperty("items").ItemIds();
        Assert.Equal(last, popularBefore[^1]);
        var name = ApiTestKit.NewId("b");
        await (await Http.PutAsJsonAsync($"/api/v1/boosts/{name}", new { filter = $"shop = '{category}' AND price = 120", multiply = 3, add = 1.5 })).OkJsonAsync();
        try
        {
            var after = (await Recommend(user, category)).Select(Id).ToList();
            Assert.DoesNotContain(last, before); // 11 candidates, k = 10: the least popular one is left out
            Assert.Equal(last, after[0]);
            Assert.Equal(last, (await Http.GetOkJsonAsync($"/api/v1/popular?k=20&category={category}")).GetProperty("items").ItemIds()[0]);
            Assert.Equal(before, (await Recommend(user, category, "&rules=false")).Select(Id));

            // Disabled: no effect.
            await (await Http.PutAsJsonAsync($"/api/v1/boosts/{name}", new { filter = $"shop = '{category}' AND price = 120", multiply = 3, enabled = false })).OkJsonAsync();
            Assert.Equal(before, (await Recommend(user, category)).Select(Id));
            var stored = await Http.GetOkJsonAsync($"/api/v1/boosts/{name}");
            Assert.False(stored.GetProperty("enabled").GetBoolean());
        }
        finally
        {
            await Delete("boosts", name);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync($"/api/v1/boosts/{name}")).StatusCode);
    }

    [Theory]
    [InlineData("""{"slots":2,"per":10}""", "filter")]
    [InlineData("""{"filter":"price < 3","filterName":"x","slots":2,"per":10}""", "filter")]
    [InlineData("""{"filter":"price <","slots":2,"per":10}""", "filter")]
    [InlineData("""{"filter":"price < $max","slots":2,"per":10}""", "filter")]
    [InlineData("""{"filterName":"no-such-filter","slots":2,"per":10}""", "filterName")]
    [InlineData("""{"filter":"price < 3","per":10}""", "slots")]
    [InlineData("""{"filter":"price < 3","slots":0,"per":10}""", "slots")]
    [InlineData("""{"filter":"price < 3","slots":11,"per":10}""", "slots")]
    [InlineData("""{"filter":"price < 3","slots":2,"per":101}""", "per")]
    [InlineData("""{"filter":"price < 3","slots":2,"per":10,"positions":[2]}""", "positions")]
    [InlineData("""{"filter":"price < 3","slots":2,"per":10,"positions":[2,2]}""", "positions")]
    [InlineData("""{"filter":"price < 3","slots":2,"per":10,"positions":[2,11]}""", "positions")]
    [InlineData("""{"filter":"price < 3","slots":2,"per":10,"startsAt":"tomorrow"}""", "startsAt")]
    [InlineData("""{"filter":"price < 3","slots":2,"per":10,"startsAt":"2030-01-02T00:00:00Z","endsAt":"2030-01-01T00:00:00Z"}""", "endsAt")]
    [InlineData("""{"filter":"price < 3","slots":2,"per":10,"enabled":"yes"}""", "enabled")]
    [InlineData("""[1]""", "body")]
    public async Task A_bad_promotion_is_a_400_naming_the_field_and_stores_nothing(string body, string field)
    {
        var name = ApiTestKit.NewId("p");
        await (await Http.PutRawAsync($"/api/v1/promotions/{name}", body)).AssertValidationProblemAsync(field);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync($"/api/v1/promotions/{name}")).StatusCode);
    }

    [Theory]
    [InlineData("""{"multiply":2}""", "filter")]
    [InlineData("""{"filter":"price < 3","multiply":0}""", "multiply")]
    [InlineData("""{"filter":"price < 3","multiply":-1}""", "multiply")]
    [InlineData("""{"filter":"price < 3","multiply":100.5}""", "multiply")]
    [InlineData("""{"filter":"price < 3","add":10.5}""", "add")]
    [InlineData("""{"filter":"price < 3","add":"much"}""", "add")]
    [InlineData("""{"filterName":"no-such-filter"}""", "filterName")]
    public async Task A_bad_boost_is_a_400_naming_the_field_and_stores_nothing(string body, string field)
    {
        var name = ApiTestKit.NewId("b");
        await (await Http.PutRawAsync($"/api/v1/boosts/{name}", body)).AssertValidationProblemAsync(field);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync($"/api/v1/boosts/{name}")).StatusCode);
        await (await Http.PutRawAsync("/api/v1/boosts/bad name", """{"filter":"price < 3"}""")).AssertValidationProblemAsync("name");
    }

    [Fact]
    public async Task A_promotion_by_stored_filter_reads_it_at_ranking_time()
    {
        var (category, items) = await Shop();
        var user = await UserOf(items);
        var filterName = ApiTestKit.NewId("f");
        await (await Http.PutAsJsonAsync($"/api/v1/filters/{filterName}", new { expression = $"shop = '{category}' AND price = 40" })).OkJsonAsync();
        var name = await PutPromotion(new { filterName, slots = 1, per = 10, positions = new[] { 1 } });
        try
        {
            var stored = await Http.GetOkJsonAsync($"/api/v1/promotions/{name}");
            Assert.Equal(filterName, stored.GetProperty("filterName").GetString());
            Assert.True(stored.GetProperty("active").GetBoolean());
            Assert.Equal(items[3], Id((await Recommend(user, category))[0]));
            // The stored filter changes: the promotion follows it.
            await (await Http.PutAsJsonAsync($"/api/v1/filters/{filterName}", new { expression = $"shop = '{category}' AND price = 50" })).OkJsonAsync();
            Assert.Equal(items[4], Id((await Recommend(user, category))[0]));
            // The stored filter is gone: the promotion is skipped, the request still answers.
            await Delete("filters", filterName);
            Assert.All(await Recommend(user, category), i => Assert.Null(Promotion(i)));
        }
        finally
        {
            await Delete("promotions", name);
        }
    }

    [Fact]
    public async Task Pushed_rankings_obey_promotions_too()
    {
        var (category, items) = await Shop();
        var user = await UserOf(items);
        var name = await PutPromotion(new { filter = $"shop = '{category}' AND sponsored = true", slots = 2, per = 10, positions = new[] { 2, 6 } });
        var hub = new HubConnectionBuilder().WithUrl(new Uri(fixture.Server.BaseAddress, "/hubs/recommendations")).Build();
        var pushes = Channel.CreateUnbounded<JsonElement>();
        hub.On<JsonElement>("rankingChanged", m => pushes.Writer.TryWrite(m));
        try
        {
            await hub.StartAsync();
            var current = await hub.InvokeAsync<JsonElement>("Watch", user, 10);
            AssertPromotedAt(current);
            await Http.PostEventsAsync(new[] { new { userId = user, itemId = items[2], type = "like" } });
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var push = await pushes.Reader.ReadAsync(timeout.Token);
            AssertPromotedAt(push);
            Assert.DoesNotContain(items[2], push.GetProperty("items").ItemIds());
        }
        finally
        {
            await hub.DisposeAsync();
            await Delete("promotions", name);
        }

        void AssertPromotedAt(JsonElement ranking)
        {
            var list = ranking.GetProperty("items").EnumerateArray().ToArray();
            Assert.Equal(new[] { 1, 5 }, list.Select((item, index) => (item, index)).Where(p => Promotion(p.item) is not null).Select(p => p.index));
            Assert.All(new[] { list[1], list[5] }, i => Assert.Equal(name, Promotion(i)));
            Assert.All(new[] { list[1], list[5] }, i => Assert.Contains(Id(i), new[] { items[2], items[4], items[6], items[8], items[10] }));
        }
    }
}

/// <summary>The arithmetic behind the API tests: where a promotion's places fall, and what a boost does to scores of any sign and scale.</summary>
public sealed class PromotionArithmeticTests
{
    [Theory]
    [InlineData(2, 10, null, 10, new[] { 2, 7 })]
    [InlineData(2, 10, new[] { 2, 6 }, 10, new[] { 1, 5 })]
    [InlineData(2, 10, new[] { 2, 6 }, 20, new[] { 1, 5, 11, 15 })]
    [InlineData(2, 10, null, 5, new[] { 2 })]
    [InlineData(2, 10, null, 2, new int[0])]
    [InlineData(2, 10, new[] { 6, 8 }, 5, new int[0])]
    [InlineData(1, 10, null, 10, new[] { 5 })]
    [InlineData(1, 3, null, 10, new[] { 1, 4, 7 })]
    public void Places_follow_the_share_and_the_positions(int slots, int per, int[]? positions, int k, int[] expected) =>
        Assert.Equal(expected, Recommender.Grains.Ranking.Promotions.Places(slots, per, positions, k));

    [Fact]
    public void A_boost_favours_matching_items_of_either_sign_and_keeps_their_order()
    {
        var matched = new ulong[1];
        foreach (var slot in new[] { 0, 1, 2 }) Recommender.Learning.BitSet.Set(matched, slot);
        var boost = new Recommender.Grains.Ranking.BoostSet([new(matched, 2f, 0f)]);
        Assert.Equal(2f, boost.Apply(0, 1f));
        Assert.Equal(-0.5f, boost.Apply(1, -1f)); // up, not down to −2
        Assert.Equal(0.3f, boost.Apply(3, 0.3f)); // not matched
        var scores = new[] { -3f, -1f, 0.5f, 0.4f };
        boost.Apply(scores, new ulong[1]);
        Assert.True(scores[0] < scores[1] && scores[1] < scores[2]);
        Assert.Equal(0.4f, scores[3]);

        var shifted = new Recommender.Grains.Ranking.BoostSet([new(matched, 1f, 0.1f)]);
        Assert.Equal(5f + 0.1f * 50f, shifted.Apply(0, 5f, scale: 50f), 4);
        Assert.Equal(50f, Recommender.Grains.Ranking.BoostSet.ScaleOf([3f, -50f, 10f], new ulong[1]));
    }

    [Fact]
    public void A_boosted_item_enters_the_ALS_top_from_below()
    {
        // Four items of 2 factors, x = (1, 0): scores 4, 3, 2, −1. Item 3 boosted by +1.2 × the scale (4) → 3.8.
        float[] vectors = [4, 0, 3, 0, 2, 0, -1, 0];
        var matched = new ulong[1];
        Recommender.Learning.BitSet.Set(matched, 3);
        var boost = new Recommender.Grains.Ranking.BoostSet([new(matched, 1f, 1.2f)]);
        var top = boost.AlsTop(vectors, 2, [1f, 0f], 2, new ulong[1], 4);
        Assert.Equal(new[] { 0, 3 }, top.Select(t => t.Index));
    }
}
