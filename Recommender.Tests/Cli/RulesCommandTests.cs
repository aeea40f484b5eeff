using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Recommender.Client.Api;
using Recommender.Client.Commands;
using Recommender.Tests.Api;
using Recommender.Tests.Infrastructure;

namespace Recommender.Tests.Cli;

/// <summary>
/// A server of its own: promotions and boosts hold for every user of the server they are stored on.
/// The model is never trained (the pre-model ranking orders a one-category shop by popularity), and
/// every test removes the rules it stored.
/// </summary>
public sealed class RulesCliServer : IAsyncLifetime
{
    public ApiServer Server { get; private set; } = null!;
    public string Url => Server.BaseAddress.ToString().TrimEnd('/');

    public async Task InitializeAsync() => Server = await ApiServer.StartAsync(new Dictionary<string, string>
    {
        ["Model:RetrainInterval"] = "00:00:00",
        ["Model:DriftCheckPeriod"] = "1.00:00:00",
    });

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>
    /// Twelve items in a category of their own, item i liked by 12 − i users (item 0 the most popular),
    /// price 10·(i+1), items 2, 4, 6, 8, 10 sponsored; and a user who liked item 0 (a personal list).
    /// </summary>
    public async Task<(string Category, string[] Items, string User)> ShopAsync()
    {
        var http = Server.HttpClient;
        var category = ApiTestKit.NewId("shop");
        var items = Enumerable.Range(0, 12).Select(i => $"{category}-{i}").ToArray();
        await (await http.PostAsJsonAsync("/api/v1/items", items.Select((id, i) => new
        {
            itemId = id, title = $"Item {i}", categories = new[] { category },
            properties = new Dictionary<string, object> { ["price"] = 10 * (i + 1), ["sponsored"] = i % 2 == 0 && i > 0, ["shop"] = category },
        }).ToArray())).OkJsonAsync();
        await http.PostEventsAsync(items.SelectMany((id, i) => Enumerable.Range(0, 12 - i).Select(_ => new { userId = ApiTestKit.NewId("fan"), itemId = id, type = "like" })).ToArray());
        await Eventually.Get(() => http.GetOkJsonAsync($"/api/v1/popular?k=20&category={category}"),
            list => list.GetProperty("items").ItemIds().SequenceEqual(items), because: "the shop's items are popular in order");
        var user = ApiTestKit.NewId("u");
        await http.PostEventsAsync(new[] { new { userId = user, itemId = items[0], type = "like" } });
        return (category, items, user);
    }
}

/// <summary><c>reco promote</c>, <c>reco boosts</c> and <c>reco recommend</c>: the real CLI in a child process against a test API server.</summary>
public sealed partial class RulesCommandTests(RulesCliServer fixture, Xunit.Abstractions.ITestOutputHelper log) : IClassFixture<RulesCliServer>
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);
    private const int ApiError = RecoCommand<RecoSettings>.ApiError;

    private HttpClient Http => fixture.Server.HttpClient;

    private async Task<(int ExitCode, string Output)> RecoAsync(params string[] args)
    {
        var result = await RecoProcess.RunAsync([.. args, "--url", fixture.Url], Within);
        log.WriteLine($"$ reco {string.Join(' ', args)}  → {result.ExitCode}\n{result.Output}");
        return result;
    }

    [Fact]
    public async Task Promote_put_list_get_and_delete_round_trip()
    {
        var name = ApiTestKit.NewId("p");
        try
        {
            var (code, output) = await RecoAsync("promote", "put", name, "--filter", "sponsored = true", "--slots", "2", "--per", "10", "--positions", "2,6",
                "--starts", "2020-01-01T00:00:00Z", "--ends", "2999-01-01T00:00:00Z");
            Assert.Equal(0, code);
            Assert.Contains($"Stored promotion {name}", output);
            Assert.Contains("2 per 10 at 2, 6", output);
            Assert.Contains("active", output);
            var stored = await Http.GetOkJsonAsync($"/api/v1/promotions/{name}");
            Assert.Equal("sponsored = true", stored.GetProperty("filter").GetString());
            Assert.Equal(new[] { 2, 6 }, stored.GetProperty("positions").EnumerateArray().Select(p => p.GetInt32()));
            Assert.Equal(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), stored.GetProperty("startsAt").GetDateTimeOffset());

            (code, output) = await RecoAsync("promote");
            Assert.Equal(0, code);
            Assert.Contains(name, output);
            Assert.Contains("sponsored = true", output);

            (code, output) = await RecoAsync("promote", "put", name, "--filter", "sponsored = true", "--slots", "1", "--per", "10", "--disabled");
            Assert.Equal(0, code);
            Assert.Contains("1 per 10 at 6", output);
            Assert.Contains("disabled", output);

            (code, output) = await RecoAsync("promote", "get", name);
            Assert.Equal(0, code);
            Assert.Contains("sponsored = true", output);
            Assert.Contains("disabled", output);

            (code, output) = await RecoAsync("promote", "delete", name);
            Assert.Equal(0, code);
            Assert.Contains($"Deleted promotion {name}", output);
            (code, output) = await RecoAsync("promote", "get", name);
            Assert.Equal(ApiError, code);
            Assert.Contains($"No promotion '{name}'", output);
            (code, _) = await RecoAsync("promote", "delete", name);
            Assert.Equal(ApiError, code);
        }
        finally
        {
            await Http.DeleteAsync($"/api/v1/promotions/{name}");
        }
    }

    [Fact]
    public async Task Promote_put_with_an_invalid_body_prints_the_field_and_reason_and_stores_nothing()
    {
        var name = ApiTestKit.NewId("p");
        var (code, output) = await RecoAsync("promote", "put", name, "--filter", "sponsored = true", "--slots", "5", "--per", "3");
        Assert.Equal(ApiError, code);
        Assert.Contains("slots: slots must be a whole number between 1 and 3.", output);

        (code, output) = await RecoAsync("promote", "put", name, "--filter", "sponsored = true", "--filter-name", "other", "--slots", "1", "--per", "10");
        Assert.Equal(ApiError, code);
        Assert.Contains("filter: Give exactly one of filter", output);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync($"/api/v1/promotions/{name}")).StatusCode);

        (code, output) = await RecoAsync("promote", "put", name, "--filter", "sponsored = true", "--slots", "1", "--per", "10", "--positions", "two");
        Assert.Equal(RecoCommand<RecoSettings>.Failed, code);
        Assert.Contains("--positions 'two'", output);
    }

    [Fact]
    public async Task Boosts_put_list_get_and_delete_round_trip_and_an_invalid_body_fails()
    {
        var name = ApiTestKit.NewId("b");
        try
        {
            var (code, output) = await RecoAsync("boosts", "put", name, "--filter", "brand = 'acme'", "--multiply", "1.5", "--add", "0.25");
            Assert.Equal(0, code);
            Assert.Contains($"Stored boost {name}", output);
            var stored = await Http.GetOkJsonAsync($"/api/v1/boosts/{name}");
            Assert.Equal(1.5, stored.GetProperty("multiply").GetDouble());
            Assert.Equal(0.25, stored.GetProperty("add").GetDouble());
            Assert.True(stored.GetProperty("enabled").GetBoolean());

            (code, output) = await RecoAsync("boosts", "list");
            Assert.Equal(0, code);
            Assert.Contains(name, output);
            Assert.Contains("×1.5 +0.25", output);

            (code, output) = await RecoAsync("boosts", "get", name);
            Assert.Equal(0, code);
            Assert.Contains("brand = 'acme'", output);
            Assert.Contains("1.5", output);

            (code, output) = await RecoAsync("boosts", "put", name, "--filter", "brand = 'acme'", "--multiply", "0");
            Assert.Equal(ApiError, code);
            Assert.Contains("multiply: multiply must be greater than 0 and at most 100.", output);
            Assert.Equal(1.5, (await Http.GetOkJsonAsync($"/api/v1/boosts/{name}")).GetProperty("multiply").GetDouble());

            (code, output) = await RecoAsync("boosts", "delete", name);
            Assert.Equal(0, code);
            Assert.Contains($"Deleted boost {name}", output);
            (code, output) = await RecoAsync("boosts", "get", name);
            Assert.Equal(ApiError, code);
            Assert.Contains($"No boost '{name}'", output);
        }
        finally
        {
            await Http.DeleteAsync($"/api/v1/boosts/{name}");
        }
    }

    [Fact]
    public async Task Recommend_shows_the_promoted_badge_and_next_continues_without_repeats()
    {
        var (category, items, user) = await fixture.ShopAsync();
        var name = ApiTestKit.NewId("p");
        await (await Http.PutAsJsonAsync($"/api/v1/promotions/{name}", new { filter = $"sponsored = true AND shop = '{category}'", slots = 1, per = 10, positions = new[] { 1 } })).OkJsonAsync();
        try
        {
            var (code, first) = await RecoAsync("recommend", user, "--category", category, "-k", "5");
            Assert.Equal(0, code);
            Assert.Contains($"promoted: {name}", first);
            Assert.Contains($"promoted: {name}, new", first); // never trained: every item is new
            var id = RecommendationId().Match(first) is { Success: true } m ? m.Groups[1].Value : throw new Xunit.Sdk.XunitException("no recommendationId in:\n" + first);
            Assert.Contains($"--next {id}", first);
            var firstIds = ItemIdsIn(first, category);
            Assert.Equal(5, firstIds.Length);
            Assert.DoesNotContain(items[0], firstIds);

            (code, var second) = await RecoAsync("recommend", user, "--next", id, "-k", "5");
            Assert.Equal(0, code);
            var secondIds = ItemIdsIn(second, category);
            Assert.Equal(5, secondIds.Length);
            Assert.Empty(firstIds.Intersect(secondIds));
            Assert.Contains($"recommendationId: {id}", second);

            (code, var organic) = await RecoAsync("recommend", user, "--category", category, "-k", "5", "--no-rules");
            Assert.Equal(0, code);
            Assert.DoesNotContain("promoted", organic);

            (code, var refused) = await RecoAsync("recommend", user, "--next", id, "--category", category);
            Assert.NotEqual(0, code);
            Assert.Contains("--next continues a list under its own query", refused);
        }
        finally
        {
            await Http.DeleteAsync($"/api/v1/promotions/{name}");
        }
    }

    [Fact]
    public async Task Recommend_with_a_bad_filter_prints_its_position_and_reason_and_fails()
    {
        var (code, output) = await RecoAsync("recommend", ApiTestKit.NewId("u"), "--filter", "price == 10");
        Assert.Equal(ApiError, code);
        Assert.Contains("filter: at 6: unknown operator '=='", output);

        (code, output) = await RecoAsync("recommend", ApiTestKit.NewId("u"), "--next", "nosuchlist");
        Assert.Equal(ApiError, code);
        Assert.Contains("404", output);
    }

    /// <summary>The SDK's query options and paging against the same server.</summary>
    [Fact]
    public async Task Client_sends_filter_parameters_offset_and_pages_with_next()
    {
        var (category, items, user) = await fixture.ShopAsync();
        using var client = new RecommenderClient(fixture.Server.BaseAddress);
        var query = new RecommendationQuery(6, category)
        {
            Filter = "price > $min", Parameters = new Dictionary<string, string> { ["min"] = "40" },
            Exploration = 0, Rotation = false, ApplyRules = false,
        };
        var full = await client.GetRecommendationsAsync(user, query);
        Assert.Equal(6, full.Items.Count);
        Assert.False(string.IsNullOrEmpty(full.RecommendationId));
        Assert.All(full.Items, i =>
        {
            Assert.True(i.Properties is { } p && p.GetProperty("price").GetDouble() > 40, $"{i.ItemId}: {i.Properties}");
            Assert.Null(i.Promotion);
            Assert.True(i.IsNew); // never trained
        });

        var page = await client.GetRecommendationsAsync(user, query with { K = 3, Offset = 3 });
        Assert.Equal(full.Items.Skip(3).Select(i => i.ItemId), page.Items.Select(i => i.ItemId));
        Assert.Equal(new[] { 4, 5, 6 }, page.Items.Select(i => i.Rank));

        var head = await client.GetRecommendationsAsync(user, query with { K = 3 });
        var next = await client.GetNextRecommendationsAsync(user, head.RecommendationId!, 100);
        Assert.Equal(head.RecommendationId, next.RecommendationId);
        Assert.Empty(head.Items.Select(i => i.ItemId).Intersect(next.Items.Select(i => i.ItemId)));
        Assert.Equal(8, head.Items.Count + next.Items.Count); // items 4…11 cost more than 40
        Assert.All(next.Items, i => Assert.True(i.Properties!.Value.GetProperty("price").GetDouble() > 40));
        Assert.Equal(4, next.Items[0].Rank);
        Assert.Empty((await client.GetNextRecommendationsAsync(user, head.RecommendationId!, 10)).Items);

        var missing = await Assert.ThrowsAsync<RecommenderApiException>(() => client.GetNextRecommendationsAsync(user, "nosuchlist"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var refused = await Assert.ThrowsAsync<RecommenderApiException>(() => client.GetRecommendationsAsync(user, new RecommendationQuery { Filter = "price < $max" }));
        Assert.Contains("param.max", refused.Errors.Keys);
        Assert.DoesNotContain(items[0], full.Items.Select(i => i.ItemId));
    }

    /// <summary>The SDK's promotion and boost calls: the DTOs read what the server writes.</summary>
    [Fact]
    public async Task Client_puts_gets_lists_and_deletes_promotions_and_boosts()
    {
        using var client = new RecommenderClient(fixture.Server.BaseAddress);
        var promotion = ApiTestKit.NewId("p");
        var boost = ApiTestKit.NewId("b");
        try
        {
            var put = await client.PutPromotionAsync(promotion, new PromotionSpec("sponsored = true", null, 2, 10, EndsAt: DateTimeOffset.UtcNow.AddDays(1)));
            Assert.Equal(new[] { 3, 8 }, put.Positions);
            Assert.True(put.Active);
            Assert.Contains(await client.ListPromotionsAsync(), p => p.Name == promotion);
            var got = await client.GetPromotionAsync(promotion);
            Assert.NotNull(got);
            Assert.Equal((put.Name, put.Filter, put.Slots, put.Per, put.EndsAt, put.UpdatedAt), (got.Name, got.Filter, got.Slots, got.Per, got.EndsAt, got.UpdatedAt));
            Assert.Equal(put.Positions, got.Positions);
            var bad = await Assert.ThrowsAsync<RecommenderApiException>(() => client.PutPromotionAsync(promotion, new PromotionSpec(null, null, 1, 10)));
            Assert.Contains("filter", bad.Errors.Keys);
            Assert.True(await client.DeletePromotionAsync(promotion));
            Assert.Null(await client.GetPromotionAsync(promotion));
            Assert.False(await client.DeletePromotionAsync(promotion));

            var stored = await client.PutBoostAsync(boost, new BoostSpec("sponsored = true", null, 2, -0.5, Enabled: false));
            Assert.Equal((2.0, -0.5, false), (stored.Multiply, stored.Add, stored.Enabled));
            Assert.Contains(await client.ListBoostsAsync(), b => b.Name == boost);
            Assert.Equal(stored, await client.GetBoostAsync(boost));
            Assert.True(await client.DeleteBoostAsync(boost));
            Assert.Null(await client.GetBoostAsync(boost));
        }
        finally
        {
            await client.DeletePromotionAsync(promotion);
            await client.DeleteBoostAsync(boost);
        }
    }

    private static string[] ItemIdsIn(string output, string category) =>
        [.. Regex.Matches(output, Regex.Escape(category) + @"-\d+").Select(m => m.Value)];

    [GeneratedRegex(@"recommendationId: (\w+)")]
    private static partial Regex RecommendationId();
}

/// <summary><c>reco bench --filter / --filter-name</c>: one labelled phase each, in order.</summary>
public sealed class BenchFilterPhaseTests
{
    [Fact]
    public void Each_filter_gets_a_phase_labelled_by_its_expression_then_each_stored_filter_by_name()
    {
        var phases = BenchCommand.FilterPhases(new BenchSettings { Filters = ["price < 50", "onSale"], FilterNames = ["cheap"] });
        Assert.Equal(new[] { "recs k=10 filter=price < 50", "recs k=10 filter=onSale", "recs k=10 filterName=cheap" }, phases.Select(p => p.Label));
        Assert.Equal(new[] { "price < 50", "onSale", null }, phases.Select(p => p.Query.Filter));
        Assert.Equal(new[] { null, null, "cheap" }, phases.Select(p => p.Query.FilterName));
        Assert.All(phases, p => Assert.Equal(10, p.Query.K));
        Assert.Empty(BenchCommand.FilterPhases(new BenchSettings()));
    }
}
