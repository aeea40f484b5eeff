using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Recommender.Tests.Infrastructure;

namespace Recommender.Tests.Api;

/// <summary>Filters through the HTTP API: inline and stored, $parameters, user.properties, positions in errors, on every list.</summary>
[Collection(ApiServerCollection.Name)]
public sealed class FilterApiTests(ApiServerFixture fixture)
{
    private HttpClient Http => fixture.Http;

    /// <summary>Six items in a category of their own: prices 10…60, regions EU/US alternating, tags.</summary>
    private async Task<(string Category, string[] Items)> Shop()
    {
        var category = ApiTestKit.NewId("shop");
        var items = Enumerable.Range(0, 6).Select(i => $"{category}-{i}").ToArray();
        var batch = items.Select((id, i) => new
        {
            itemId = id, title = $"Item {i}", categories = new[] { category, i < 3 ? "Low" : "High" },
            properties = new Dictionary<string, object> { ["price"] = 10 * (i + 1), ["region"] = i % 2 == 0 ? "EU" : "US", ["tags"] = i == 5 ? new[] { "sale", "new" } : new[] { "plain" } },
        }).ToArray();
        await (await Http.PostAsJsonAsync("/api/v1/items", batch)).OkJsonAsync();
        // Everyone likes every item a little, so popular lists hold them all.
        await Http.PostEventsAsync(items.Select(id => new { userId = ApiTestKit.NewId("u"), itemId = id, type = "like" }).ToArray());
        await Eventually.Get(() => Http.GetOkJsonAsync($"/api/v1/popular?k=10&category={category}"),
            list => list.GetProperty("items").GetArrayLength() == 6, because: "the shop's items are popular");
        return (category, items);
    }

    private static string Q(string text) => Uri.EscapeDataString(text);

    [Fact]
    public async Task An_inline_filter_holds_on_popular_latest_items_similar_and_recommendations()
    {
        var (category, items) = await Shop();
        var filter = Q($"categories = '{category}' AND price < 50 AND region = 'EU'");
        var expected = new[] { items[0], items[2] }; // 10 EU, 30 EU (50 EU is not < 50)

        Assert.Equal(expected.Order(), (await Http.GetOkJsonAsync($"/api/v1/popular?k=100&filter={filter}")).GetProperty("items").ItemIds().Order());
        Assert.Equal(expected.Order(), (await Http.GetOkJsonAsync($"/api/v1/items/latest?k=100&filter={filter}")).GetProperty("items").ItemIds().Order());
        var listed = await Http.GetOkJsonAsync($"/api/v1/items?filter={filter}&sort=id");
        Assert.Equal(2, listed.GetProperty("total").GetInt32());
        Assert.Equal(expected, listed.GetProperty("items").ItemIds());
        Assert.Equal([items[2]], (await Http.GetOkJsonAsync($"/api/v1/items/{items[0]}/similar?k=100&filter={filter}")).GetProperty("items").ItemIds());

        var user = ApiTestKit.NewId("u");
        await Http.PostEventsAsync(new[] { new { userId = user, itemId = items[4], type = "like" } });
        var recommended = (await Http.GetOkJsonAsync($"/api/v1/users/{user}/recommendations?k=100&filter={filter}")).GetProperty("items").ItemIds();
        Assert.Equal(expected.Order(), recommended.Order());

        // Several categories at once.
        var both = Q($"categories = '{category}' AND categories HAS ALL ('{category}', 'High') AND tags HAS ANY ('sale')");
        Assert.Equal([items[5]], (await Http.GetOkJsonAsync($"/api/v1/popular?k=100&filter={both}")).GetProperty("items").ItemIds());
    }

    [Fact]
    public async Task Parameters_and_user_properties_are_bound_per_request()
    {
        var (category, items) = await Shop();
        var byPrice = Q($"categories = '{category}' AND price <= $max");
        var missing = await Http.GetAsync($"/api/v1/popular?filter={byPrice}");
        await missing.AssertValidationProblemAsync("param.max");
        Assert.Equal(items[..2].Order(), (await Http.GetOkJsonAsync($"/api/v1/popular?k=100&filter={byPrice}&param.max=20")).GetProperty("items").ItemIds().Order());

        var listParam = Q($"categories = '{category}' AND region IN $regions");
        Assert.Equal(6, (await Http.GetOkJsonAsync($"/api/v1/popular?k=100&filter={listParam}&param.regions={Q("[\"EU\",\"US\"]")}")).GetProperty("items").GetArrayLength());

        var user = ApiTestKit.NewId("u");
        await (await Http.PutRawAsync($"/api/v1/users/{user}/properties", """{"region":"US","budget":40}""")).OkJsonAsync();
        await Http.PostEventsAsync(new[] { new { userId = user, itemId = items[0], type = "like" } });
        var mine = Q($"categories = '{category}' AND region = user.region AND price <= user.budget");
        Assert.Equal([items[1], items[3]], (await Http.GetOkJsonAsync($"/api/v1/users/{user}/recommendations?k=100&filter={mine}")).GetProperty("items").ItemIds().Order());
    }

    [Theory]
    [InlineData("price <", "filter", "at 7")]
    [InlineData("price == 3", "filter", "at 6")]
    [InlineData("region = 'EU", "filter", "at 9")]
    [InlineData("(price < 3", "filter", "at 10")]
    public async Task A_filter_that_does_not_parse_is_a_400_naming_the_position(string filter, string field, string position)
    {
        var problem = await (await Http.GetAsync($"/api/v1/popular?filter={Q(filter)}")).AssertValidationProblemAsync(field);
        var reason = problem.GetProperty("errors").GetProperty(field)[0].GetString()!;
        Assert.StartsWith(position, reason);
    }

    [Fact]
    public async Task A_stored_filter_is_used_by_name_everywhere_and_an_unknown_name_is_a_400()
    {
        var (category, items) = await Shop();
        var name = ApiTestKit.NewId("cheap");
        var stored = await (await Http.PutAsJsonAsync($"/api/v1/filters/{name}", new { expression = $"categories = '{category}' AND price < $limit", description = "under a limit" })).OkJsonAsync();
        Assert.Equal(["limit"], stored.GetProperty("parameters").EnumerateArray().Select(p => p.GetString()!).ToArray());
        Assert.Contains(name, (await Http.GetOkJsonAsync("/api/v1/filters")).EnumerateArray().Select(f => f.GetProperty("name").GetString()));

        // Every silo hears of a stored filter at once here (one silo): no waiting.
        Assert.Equal(items[..3].Order(), (await Http.GetOkJsonAsync($"/api/v1/popular?k=100&filterName={name}&param.limit=35")).GetProperty("items").ItemIds().Order());
        var matches = await Http.GetOkJsonAsync($"/api/v1/filters/{name}/items?param.limit=35");
        Assert.Equal(3, matches.GetProperty("total").GetInt32());
        var seed = await (await Http.PostAsJsonAsync("/api/v1/recommend", new { user_id = ApiTestKit.NewId("u"), num_recommendations = 10, filter_name = name, @params = new { limit = 25 } })).OkJsonAsync();
        Assert.Equal(items[..2].Order(), seed.GetProperty("recommendations").EnumerateArray().Select(r => r.GetProperty("item_id").GetString()!).Order());

        await (await Http.GetAsync($"/api/v1/popular?filterName={name}")).AssertValidationProblemAsync("param.limit");
        await (await Http.PutAsJsonAsync($"/api/v1/filters/{name}", new { expression = "price <" })).AssertValidationProblemAsync("expression");
        await (await Http.PutAsJsonAsync("/api/v1/filters/bad name", new { expression = "price < 1" })).AssertValidationProblemAsync("name");

        Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync($"/api/v1/filters/{name}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync($"/api/v1/filters/{name}")).StatusCode);
        await (await Http.GetAsync($"/api/v1/popular?filterName={name}&param.limit=35")).AssertValidationProblemAsync("filterName");
        await (await Http.GetAsync($"/api/v1/users/{ApiTestKit.NewId("u")}/recommendations?filterName={name}&param.limit=35")).AssertValidationProblemAsync("filterName");
    }
}
