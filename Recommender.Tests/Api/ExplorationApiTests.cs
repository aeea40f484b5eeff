using System.Net.Http.Json;
using Recommender.Tests.Infrastructure;

namespace Recommender.Tests.Api;

/// <summary>The exploration parameter and isNew over HTTP (the behaviour itself: Grains/ColdItemTests).</summary>
[Collection(ApiServerCollection.Name)]
public sealed class ExplorationApiTests(ApiServerFixture fixture)
{
    private HttpClient Http => fixture.Http;

    [Theory]
    [InlineData("2")]
    [InlineData("-0.1")]
    [InlineData("lots")]
    public async Task An_exploration_outside_0_to_1_is_a_400_naming_it(string value) =>
        await (await Http.GetAsync($"/api/v1/users/{ApiTestKit.NewId("u")}/recommendations?exploration={value}")).AssertValidationProblemAsync("exploration");

    [Fact]
    public async Task Latest_marks_new_items_and_an_exploration_place_comes_back_marked()
    {
        var category = ApiTestKit.NewId("fresh");
        var items = Enumerable.Range(1, 6).Select(i => new { itemId = $"{category}-{i}", title = "Fresh", categories = new[] { category } }).ToArray();
        await (await Http.PostAsJsonAsync("/api/v1/items", items)).OkJsonAsync();
        var latest = await Http.GetOkJsonAsync($"/api/v1/items/latest?k=10&category={category}");
        Assert.Equal(6, latest.GetProperty("items").GetArrayLength());
        Assert.All(latest.GetProperty("items").EnumerateArray(), i => Assert.True(i.GetProperty("isNew").GetBoolean()));
        var user = ApiTestKit.NewId("u");
        await Http.PostEventsAsync(new[] { new { userId = user, itemId = $"{category}-1", type = "like" } });
        var ranking = await Http.GetOkJsonAsync($"/api/v1/users/{user}/recommendations?k=4&exploration=0.25&category={category}");
        // k = 4 at 0.25: one place, at ⌊1·5/2⌋ = 2; the category's four other items fill the rest.
        var explored = Assert.Single(ranking.GetProperty("items").EnumerateArray(), i => i.GetProperty("reason").GetString() == "new");
        Assert.Equal(2, explored.GetProperty("rank").GetInt32());
        Assert.True(explored.GetProperty("isNew").GetBoolean());
    }
}
