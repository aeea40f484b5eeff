using System.Net.Http.Json;
using System.Text.Json;
using Recommender.Tests.Infrastructure;

namespace Recommender.Tests.Api;

/// <summary>A user's top-k: seen items excluded, category filter, exclude list, k bounds.</summary>
[Collection(ApiServerCollection.Name)]
public sealed class RecommendationTests(ApiServerFixture fixture)
{
    private HttpClient Http => fixture.Http;

    /// <summary>A private catalog: <paramref name="perCategory"/> items in each of two fresh categories.</summary>
    private async Task<(string A, string[] AItems, string B, string[] BItems)> CatalogAsync(int perCategory = 6)
    {
        var (a, b) = (ApiTestKit.NewId("cata"), ApiTestKit.NewId("catb"));
        var aItems = Enumerable.Range(0, perCategory).Select(i => $"{a}-{i}").ToArray();
        var bItems = Enumerable.Range(0, perCategory).Select(i => $"{b}-{i}").ToArray();
        var batch = aItems.Select(id => new { itemId = id, title = $"A {id}", categories = new[] { a } })
            .Concat(bItems.Select(id => new { itemId = id, title = $"B {id}", categories = new[] { b } }))
            .ToArray();
        await (await Http.PostAsJsonAsync("/api/v1/items", batch)).OkJsonAsync();
        foreach (var category in new[] { a, b })
            await Eventually.Get(() => Http.GetOkJsonAsync($"/api/v1/items?category={category}"),
                p => p.GetProperty("total").GetInt32() == perCategory, because: $"{category} indexed");
        return (a, aItems, b, bItems);
    }

    private Task<JsonElement> RecommendAsync(string user, string query = "") =>
        Http.GetOkJsonAsync($"/api/v1/users/{user}/recommendations{query}");

    [Fact]
    public async Task Recommendations_exclude_seen_items_and_respect_category_and_exclude()
    {
        var (a, aItems, b, bItems) = await CatalogAsync();
        var user = ApiTestKit.NewId("u");
        await Http.PostEventsAsync(new object[]
        {
            new { userId = user, itemId = aItems[0], type = "like" },
            new { userId = user, itemId = aItems[1], type = "view" },
            new { userId = user, itemId = bItems[0], type = "dislike" },
        });

        var inA = await RecommendAsync(user, $"?k=100&category={a}");
        var ids = inA.GetProperty("items").ItemIds();
        Assert.Equal(user, inA.GetProperty("userId").GetString());
        Assert.Equal(aItems[2..].ToHashSet(), ids.ToHashSet());
        Assert.Equal(Enumerable.Range(1, ids.Length), inA.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("rank").GetInt32()));
        Assert.All(inA.GetProperty("items").EnumerateArray(), i => Assert.Equal([a], i.GetProperty("categories").EnumerateArray().Select(c => c.GetString()!).ToArray()));

        var inB = await RecommendAsync(user, $"?k=100&category={b}");
        Assert.Equal(bItems[1..].ToHashSet(), inB.GetProperty("items").ItemIds().ToHashSet());

        var excluded = await RecommendAsync(user, $"?k=100&category={a}&exclude={aItems[2]},{aItems[3]}");
        Assert.Equal(aItems[4..].ToHashSet(), excluded.GetProperty("items").ItemIds().ToHashSet());

        var all = await RecommendAsync(user, "?k=100");
        var allIds = all.GetProperty("items").ItemIds();
        Assert.DoesNotContain(aItems[0], allIds);
        Assert.DoesNotContain(aItems[1], allIds);
        Assert.DoesNotContain(bItems[0], allIds);
        Assert.Equal(allIds.Length, allIds.Distinct().Count());
    }

    [Fact]
    public async Task A_liked_category_ranks_first_and_k_limits_the_list()
    {
        var (a, aItems, _, _) = await CatalogAsync();
        var user = ApiTestKit.NewId("u");
        await Http.PostEventsAsync(new object[]
        {
            new { userId = user, itemId = aItems[0], type = "like" },
            new { userId = user, itemId = aItems[1], type = "rating", value = 5 },
        });

        var top = await RecommendAsync(user, "?k=3&explain=true");

        Assert.Equal("personal", top.GetProperty("strategy").GetString());
        var items = top.GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal(3, items.Length);
        Assert.All(items, i => Assert.Equal(a, i.GetProperty("categories")[0].GetString()));
        Assert.All(items, i => Assert.False(string.IsNullOrEmpty(i.GetProperty("reason").GetString())));
        Assert.True(items[0].GetProperty("score").GetDouble() >= items[2].GetProperty("score").GetDouble());
        Assert.True(top.TryGetProperty("modelVersion", out _));
        Assert.True(top.TryGetProperty("computedAt", out _));
    }

    [Fact]
    public async Task A_user_never_seen_gets_popular_items()
    {
        var user = ApiTestKit.NewId("cold");

        var ranking = await RecommendAsync(user, "?k=5");

        Assert.Equal("popular", ranking.GetProperty("strategy").GetString());
        Assert.True(ranking.GetProperty("items").GetArrayLength() <= 5);
        // Asking does not create the user.
        await Http.AssertUserUnknownAsync(user);
    }

    [Theory]
    [InlineData("?k=0", "k")]
    [InlineData("?k=101", "k")]
    [InlineData("?k=-1", "k")]
    [InlineData("?exclude=a%20b", "exclude")]
    [InlineData("?exclude=ok,not%2Fok", "exclude")]
    [InlineData("?category=__129__", "category")]
    public async Task Invalid_recommendation_parameters_are_refused(string query, string field)
    {
        query = query.Replace("__129__", new string('c', 129));
        var response = await Http.GetAsync($"/api/v1/users/{ApiTestKit.NewId("u")}/recommendations{query}");
        await response.AssertValidationProblemAsync(field);
    }

    [Fact]
    public async Task An_invalid_user_id_in_the_path_is_refused()
    {
        var response = await Http.GetAsync($"/api/v1/users/{Uri.EscapeDataString("a b")}/recommendations");
        await response.AssertValidationProblemAsync("userId");
    }

    /// <summary>Values that are not numbers or flags are the client's error, named like any other (never a 500).</summary>
    [Theory]
    [InlineData("?k=ten", "k")]
    [InlineData("?k=1.5", "k")]
    [InlineData("?k=99999999999", "k")]
    [InlineData("?explain=maybe", "explain")]
    public async Task A_query_value_of_the_wrong_kind_is_a_400_problem_naming_it(string query, string field)
    {
        var response = await Http.GetAsync($"/api/v1/users/{ApiTestKit.NewId("u")}/recommendations{query}");
        await response.AssertValidationProblemAsync(field);
    }

    [Fact]
    public async Task The_boundary_values_of_k_are_accepted()
    {
        var user = ApiTestKit.NewId("u");
        Assert.True((await RecommendAsync(user, "?k=1")).GetProperty("items").GetArrayLength() <= 1);
        Assert.True((await RecommendAsync(user, "?k=100")).GetProperty("items").GetArrayLength() <= 100);
    }
}
