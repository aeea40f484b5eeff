using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Recommender.Tests.Infrastructure;

namespace Recommender.Tests.Api;

/// <summary>Item and user properties, merge patches, delete, hide and the availability window, through the HTTP API.</summary>
[Collection(ApiServerCollection.Name)]
public sealed class CatalogRulesTests(ApiServerFixture fixture)
{
    private HttpClient Http => fixture.Http;

    private Task<HttpResponseMessage> PatchAsync(string path, string body) =>
        Http.PatchAsync(path, new StringContent(body, System.Text.Encoding.UTF8, "application/merge-patch+json"));

    [Fact]
    public async Task Item_properties_are_stored_typed_read_back_and_merged_by_a_patch()
    {
        var item = ApiTestKit.NewId("i");
        var put = await (await Http.PutRawAsync($"/api/v1/items/{item}", """
            {"title":"Boots","categories":["Shoes"],"properties":{"price":49.5,"brand":"acme","onSale":true,
             "tags":["winter","leather"],"releasedAt":"2026-01-02T03:04:05+01:00"}}
            """)).OkJsonAsync();
        var properties = put.GetProperty("properties");
        Assert.Equal(49.5, properties.GetProperty("price").GetDouble());
        Assert.Equal("acme", properties.GetProperty("brand").GetString());
        Assert.True(properties.GetProperty("onSale").GetBoolean());
        Assert.Equal(["winter", "leather"], properties.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!).ToArray());
        Assert.Equal("2026-01-02T02:04:05.000Z", properties.GetProperty("releasedAt").GetString()); // a timestamp, kept as UTC

        var patched = await (await PatchAsync($"/api/v1/items/{item}", """{"properties":{"price":39,"onSale":null,"color":"red"}}""")).OkJsonAsync();
        var merged = patched.GetProperty("properties");
        Assert.Equal(39, merged.GetProperty("price").GetDouble());
        Assert.False(merged.TryGetProperty("onSale", out _));
        Assert.Equal("red", merged.GetProperty("color").GetString());
        Assert.Equal("acme", merged.GetProperty("brand").GetString());
        Assert.Equal("Boots", patched.GetProperty("title").GetString());
        Assert.Equal(["Shoes"], patched.GetProperty("categories").EnumerateArray().Select(c => c.GetString()!).ToArray());
        Assert.Equal(merged.GetRawText(), (await Http.GetOkJsonAsync($"/api/v1/items/{item}")).GetProperty("properties").GetRawText());
    }

    public static TheoryData<string, string> InvalidProperties => new()
    {
        { """{"title":"T","properties":{"bad name":1}}""", "properties.bad name" },
        { """{"title":"T","properties":{"1st":1}}""", "properties.1st" },
        { """{"title":"T","properties":{"nested":{"a":1}}}""", "properties.nested" },
        { """{"title":"T","properties":{"none":null}}""", "properties.none" },
        { """{"title":"T","properties":{"list":[1,2]}}""", "properties.list" },
        { """{"title":"T","properties":[1]}""", "properties" },
        { """{"title":"T","hidden":"yes"}""", "hidden" },
        { """{"title":"T","expiresAt":"soon"}""", "expiresAt" },
        { """{"title":"T","availableFrom":"2026-02-01T00:00:00Z","expiresAt":"2026-01-01T00:00:00Z"}""", "expiresAt" },
    };

    [Theory]
    [MemberData(nameof(InvalidProperties))]
    public async Task Invalid_properties_or_windows_are_refused_naming_the_field_and_create_nothing(string body, string field)
    {
        var item = ApiTestKit.NewId("i");
        await (await Http.PutRawAsync($"/api/v1/items/{item}", body)).AssertValidationProblemAsync(field);
        await Http.AssertItemUnknownAsync(item);
    }

    [Fact]
    public async Task Too_many_properties_are_refused_and_a_patch_past_the_limit_changes_nothing()
    {
        var item = ApiTestKit.NewId("i");
        var fifty = string.Join(",", Enumerable.Range(0, 50).Select(i => $"\"p{i}\":{i}"));
        var fiftyOne = string.Join(",", Enumerable.Range(0, 51).Select(i => $"\"p{i}\":{i}"));
        await (await Http.PutRawAsync($"/api/v1/items/{item}", "{\"title\":\"T\",\"properties\":{" + fiftyOne + "}}")).AssertValidationProblemAsync("properties");
        await (await Http.PutRawAsync($"/api/v1/items/{item}", "{\"title\":\"T\",\"properties\":{" + fifty + "}}")).OkJsonAsync();

        await (await PatchAsync($"/api/v1/items/{item}", """{"properties":{"one_more":1}}""")).AssertValidationProblemAsync("properties");
        await (await PatchAsync($"/api/v1/items/{item}", """{"title":null}""")).AssertValidationProblemAsync("title");
        await (await PatchAsync($"/api/v1/items/{item}", """{"price":1}""")).AssertValidationProblemAsync("price");
        var got = await Http.GetOkJsonAsync($"/api/v1/items/{item}");
        Assert.Equal(50, got.GetProperty("properties").EnumerateObject().Count());
        Assert.Equal("T", got.GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_deleted_item_leaves_every_list_at_once_and_a_put_brings_it_back()
    {
        var (category, items) = await CatalogOf(3);
        var user = await UserWhoLikes(items[0]);
        var gone = items[1];

        Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync($"/api/v1/items/{gone}")).StatusCode);

        // No waiting: the delete answered once this silo's index had it.
        await AssertNowhere(gone, category, user, items[2]);
        var problem = await (await Http.GetAsync($"/api/v1/items/{gone}")).ReadJsonAsync();
        Assert.Equal("Deleted item.", problem.GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await Http.DeleteAsync($"/api/v1/items/{gone}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await PatchAsync($"/api/v1/items/{gone}", """{"hidden":false}""")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.DeleteAsync($"/api/v1/items/{ApiTestKit.NewId("never")}")).StatusCode);

        await Http.PutItemAsync(gone, "Back", category);
        Assert.Contains(gone, (await Http.GetOkJsonAsync($"/api/v1/popular?k=10&category={category}")).GetProperty("items").ItemIds());
    }

    [Fact]
    public async Task A_hidden_item_is_kept_but_never_served_until_shown_again()
    {
        var (category, items) = await CatalogOf(3);
        var user = await UserWhoLikes(items[0]);

        var hidden = await (await PatchAsync($"/api/v1/items/{items[1]}", """{"hidden":true}""")).OkJsonAsync();
        Assert.True(hidden.GetProperty("hidden").GetBoolean());
        Assert.False(hidden.GetProperty("available").GetBoolean());
        await AssertNowhere(items[1], category, user, items[2]);
        Assert.True((await Http.GetOkJsonAsync($"/api/v1/items/{items[1]}")).GetProperty("hidden").GetBoolean());

        await (await PatchAsync($"/api/v1/items/{items[1]}", """{"hidden":false}""")).OkJsonAsync();
        Assert.Contains(items[1], (await Http.GetOkJsonAsync($"/api/v1/popular?k=10&category={category}")).GetProperty("items").ItemIds());
    }

    [Fact]
    public async Task An_expiry_and_an_availability_date_hold_to_the_second_with_no_further_write()
    {
        var category = ApiTestKit.NewId("cat");
        var (expiring, upcoming) = (ApiTestKit.NewId("exp"), ApiTestKit.NewId("up"));
        var soon = DateTimeOffset.UtcNow.AddSeconds(2).ToString("O");
        await (await Http.PutAsJsonAsync($"/api/v1/items/{expiring}", new { title = "E", categories = new[] { category }, expiresAt = soon })).OkJsonAsync();
        await (await Http.PutAsJsonAsync($"/api/v1/items/{upcoming}", new { title = "U", categories = new[] { category }, availableFrom = soon })).OkJsonAsync();

        var before = (await Http.GetOkJsonAsync($"/api/v1/popular?k=10&category={category}")).GetProperty("items").ItemIds();
        Assert.Equal([expiring], before);

        await Task.Delay(TimeSpan.FromSeconds(2.2));
        var after = (await Http.GetOkJsonAsync($"/api/v1/popular?k=10&category={category}")).GetProperty("items").ItemIds();
        Assert.Equal([upcoming], after);
        Assert.False((await Http.GetOkJsonAsync($"/api/v1/items/{expiring}")).GetProperty("available").GetBoolean());

        // Clearing the expiry by a patch serves the item again.
        await (await PatchAsync($"/api/v1/items/{expiring}", """{"expiresAt":null}""")).OkJsonAsync();
        Assert.Contains(expiring, (await Http.GetOkJsonAsync($"/api/v1/popular?k=10&category={category}")).GetProperty("items").ItemIds());
    }

    [Fact]
    public async Task User_properties_are_set_merged_exported_and_erased_with_the_user()
    {
        var user = ApiTestKit.NewId("u");
        var set = await (await Http.PutRawAsync($"/api/v1/users/{user}/properties", """{"region":"EU","age":31}""")).OkJsonAsync();
        Assert.Equal("EU", set.GetProperty("properties").GetProperty("region").GetString());

        var patched = await (await PatchAsync($"/api/v1/users/{user}/properties", """{"age":null,"tier":"gold"}""")).OkJsonAsync();
        Assert.Equal("""{"region":"EU","tier":"gold"}""", patched.GetProperty("properties").GetRawText());
        Assert.Equal("gold", (await Http.GetOkJsonAsync($"/api/v1/users/{user}")).GetProperty("properties").GetProperty("tier").GetString());
        var export = await Http.GetOkJsonAsync($"/api/v1/users/{user}/export");
        Assert.Equal("EU", export.GetProperty("profile").GetProperty("properties").GetProperty("region").GetString());
        await (await Http.PutRawAsync($"/api/v1/users/{user}/properties", """{"bad-name":1}""")).AssertValidationProblemAsync("properties.bad-name");

        Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync($"/api/v1/users/{user}")).StatusCode);
        await Http.AssertUserUnknownAsync(user);
    }

    /// <summary>A category of its own with n described items, item 0 the most popular.</summary>
    private async Task<(string Category, string[] Items)> CatalogOf(int n)
    {
        var category = ApiTestKit.NewId("cat");
        var items = Enumerable.Range(0, n).Select(i => $"{category}-{i}").ToArray();
        foreach (var item in items) await Http.PutItemAsync(item, $"T {item}", category);
        await Http.PostEventsAsync(items.Select(item => new { userId = ApiTestKit.NewId("u"), itemId = item, type = "like" }).ToArray());
        await Eventually.Get(() => Http.GetOkJsonAsync($"/api/v1/popular?k=10&category={category}"),
            list => list.GetProperty("items").GetArrayLength() == n, because: "the items are popular in their category");
        return (category, items);
    }

    private async Task<string> UserWhoLikes(string item)
    {
        var user = ApiTestKit.NewId("u");
        await Http.PostEventsAsync(new[] { new { userId = user, itemId = item, type = "like" } });
        return user;
    }

    /// <summary>The item is in no list: popular, category list, similar items, the user's recommendations (category-filtered and not).</summary>
    private async Task AssertNowhere(string item, string category, string user, string neighbour)
    {
        Assert.DoesNotContain(item, (await Http.GetOkJsonAsync($"/api/v1/popular?k=1000&category={category}")).GetProperty("items").ItemIds());
        Assert.DoesNotContain(item, (await Http.GetOkJsonAsync($"/api/v1/popular?k=1000")).GetProperty("items").ItemIds());
        Assert.DoesNotContain(item, (await Http.GetOkJsonAsync($"/api/v1/items/{neighbour}/similar?k=100")).GetProperty("items").ItemIds());
        Assert.DoesNotContain(item, (await Http.GetOkJsonAsync($"/api/v1/users/{user}/recommendations?k=100&category={category}")).GetProperty("items").ItemIds());
        Assert.DoesNotContain(item, (await Http.GetOkJsonAsync($"/api/v1/users/{user}/recommendations?k=100")).GetProperty("items").ItemIds());
    }
}
