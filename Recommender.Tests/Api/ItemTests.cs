using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Recommender.Tests.Infrastructure;

namespace Recommender.Tests.Api;

/// <summary>The catalog: upsert, get, list by category and popularity, popular, similar — and refused bodies.</summary>
[Collection(ApiServerCollection.Name)]
public sealed class ItemTests(ApiServerFixture fixture)
{
    private HttpClient Http => fixture.Http;

    private static readonly string Title513 = new('t', 513);
    private static readonly string Category65 = new('c', 65);
    private static readonly string TwentyOneCategories = string.Join(",", Enumerable.Range(0, 21).Select(i => $"\"c{i}\""));

    public static TheoryData<string, string, string> InvalidItemBodies => new()
    {
        { "missing title", """{"categories":["Drama"]}""", "title" },
        { "null title", """{"title":null}""", "title" },
        { "empty title", """{"title":""}""", "title" },
        { "blank title", """{"title":"   "}""", "title" },
        { "title of 513 characters", $$"""{"title":"{{Title513}}"}""", "title" },
        { "title with a control character", """{"title":"a\u0007b"}""", "title" },
        { "number as title", """{"title":42}""", "title" },
        { "categories as a string", """{"title":"T","categories":"Drama"}""", "categories" },
        { "21 categories", $$"""{"title":"T","categories":[{{TwentyOneCategories}}]}""", "categories" },
        { "an empty category", """{"title":"T","categories":["Drama",""]}""", "categories" },
        { "a blank category", """{"title":"T","categories":["  "]}""", "categories" },
        { "a category of 65 characters", $$"""{"title":"T","categories":["{{Category65}}"]}""", "categories" },
        { "a number as category", """{"title":"T","categories":[7]}""", "categories" },
        { "a category with a newline", """{"title":"T","categories":["Dra\nma"]}""", "categories" },
        { "createdAt garbage", """{"title":"T","createdAt":"last week"}""", "createdAt" },
        { "createdAt as number", """{"title":"T","createdAt":1700000000}""", "createdAt" },
        { "createdAt in year 1000", """{"title":"T","createdAt":"1000-01-01T00:00:00Z"}""", "createdAt" },
        { "an array body", """[{"title":"T"}]""", "body" },
        { "a string body", "\"T\"", "body" },
        { "malformed JSON", """{"title":"T" """, "body" },
        { "empty body", "", "body" },
    };

    [Theory]
    [MemberData(nameof(InvalidItemBodies))]
    public async Task An_invalid_item_body_is_refused_with_400_naming_the_field_and_creates_nothing(string @case, string body, string field)
    {
        Assert.NotEmpty(@case);
        var item = ApiTestKit.NewId("i");

        var response = await Http.PutRawAsync($"/api/v1/items/{item}", body);

        await response.AssertValidationProblemAsync(field);
        await Http.AssertItemUnknownAsync(item);
    }

    [Theory]
    [InlineData("a b")]
    [InlineData("a|b")]
    [InlineData("café")]
    [InlineData("a%b")]
    [InlineData("__129__")]
    public async Task An_invalid_item_id_in_the_path_is_refused(string id)
    {
        if (id == "__129__") id = new string('i', 129);
        var path = "/api/v1/items/" + Uri.EscapeDataString(id);

        await (await Http.PutAsJsonAsync(path, new { title = "T" })).AssertValidationProblemAsync("itemId");
        await (await Http.GetAsync(path)).AssertValidationProblemAsync("itemId");
        await (await Http.GetAsync(path + "/similar")).AssertValidationProblemAsync("itemId");
    }

    [Fact]
    public async Task An_item_id_with_an_encoded_slash_is_refused_or_not_found_never_created()
    {
        var response = await Http.PutAsJsonAsync("/api/v1/items/a%2Fb", new { title = "T" });
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed,
            $"PUT /api/v1/items/a%2Fb answered {(int)response.StatusCode}");
    }

    [Fact]
    public async Task A_batch_of_items_with_one_invalid_entry_upserts_nothing()
    {
        var (a, b) = (ApiTestKit.NewId("i"), ApiTestKit.NewId("i"));
        var body = $$"""[{"itemId":"{{a}}","title":"A","categories":["X"]},{"itemId":"{{b}}","title":""}]""";

        await (await Http.PostRawAsync("/api/v1/items", body)).AssertValidationProblemAsync("[1].title");
        await (await Http.PostRawAsync("/api/v1/items", "[]")).AssertValidationProblemAsync("body");
        await (await Http.PostRawAsync("/api/v1/items", """{"itemId":"x","title":"T"}""")).AssertValidationProblemAsync("body");
        await (await Http.PostRawAsync("/api/v1/items", """[{"itemId":"bad id","title":"T"}]""")).AssertValidationProblemAsync("[0].itemId");
        await (await Http.PostRawAsync("/api/v1/items", """[{"title":"T"}]""")).AssertValidationProblemAsync("[0].itemId");

        await Http.AssertItemUnknownAsync(a);
        await Http.AssertItemUnknownAsync(b);
    }

    [Fact]
    public async Task A_put_item_can_be_read_back()
    {
        var item = ApiTestKit.NewId("i");

        var put = await (await Http.PutAsJsonAsync($"/api/v1/items/{item}",
            new { title = "  The Title  ", categories = new[] { "Drama", "drama", "Comedy" }, createdAt = "2020-02-03T04:05:06Z" })).OkJsonAsync();
        var got = await Http.GetOkJsonAsync($"/api/v1/items/{item}");

        foreach (var body in new[] { put, got })
        {
            Assert.Equal(item, body.GetProperty("itemId").GetString());
            Assert.Equal("The Title", body.GetProperty("title").GetString());
            Assert.Equal(["Drama", "Comedy"], body.GetProperty("categories").EnumerateArray().Select(c => c.GetString()!).ToArray());
            Assert.Equal(DateTimeOffset.Parse("2020-02-03T04:05:06Z"), body.GetProperty("createdAt").GetDateTimeOffset());
            var counts = body.GetProperty("counts");
            foreach (var type in new[] { "view", "click", "like", "dislike", "share", "purchase", "rating" })
                Assert.Equal(0, counts.GetProperty(type).GetInt32());
        }

        // A second PUT replaces the description.
        await Http.PutItemAsync(item, "Renamed", "Horror");
        var renamed = await Http.GetOkJsonAsync($"/api/v1/items/{item}");
        Assert.Equal("Renamed", renamed.GetProperty("title").GetString());
        Assert.Equal(["Horror"], renamed.GetProperty("categories").EnumerateArray().Select(c => c.GetString()!).ToArray());
    }

    [Fact]
    public async Task An_item_first_seen_in_an_event_exists_without_metadata_and_counts_events()
    {
        var item = ApiTestKit.NewId("i");
        await Http.PostEventsAsync(new[]
        {
            new { userId = ApiTestKit.NewId("u"), itemId = item, type = "view" },
            new { userId = ApiTestKit.NewId("u"), itemId = item, type = "view" },
        });

        var got = await Eventually.Get(() => Http.GetOkJsonAsync($"/api/v1/items/{item}"),
            i => i.GetProperty("counts").GetProperty("view").GetInt32() == 2, because: "two views counted");
        Assert.Equal(item, got.GetProperty("itemId").GetString());
        Assert.False(got.GetProperty("hasMetadata").GetBoolean());
        Assert.True(got.GetProperty("popularity").GetDouble() > 0);
    }

    [Fact]
    public async Task A_batch_upsert_lists_by_category_sorted_by_id_or_popularity()
    {
        var category = ApiTestKit.NewId("cat");
        var ids = Enumerable.Range(0, 5).Select(i => $"{category}-item{i}").ToArray();
        var batch = ids.Select(id => new { itemId = id, title = $"Title {id}", categories = new[] { category } }).ToArray();

        var upserted = await (await Http.PostAsJsonAsync("/api/v1/items", batch)).OkJsonAsync();
        Assert.Equal(5, upserted.GetProperty("upserted").GetInt32());

        var byId = await Eventually.Get(() => Http.GetOkJsonAsync($"/api/v1/items?category={category}&sort=id"),
            page => page.GetProperty("total").GetInt32() == 5, because: "the five items are indexed");
        Assert.Equal(ids, byId.GetProperty("items").ItemIds());

        var paged = await Http.GetOkJsonAsync($"/api/v1/items?category={category}&sort=id&limit=2&offset=3");
        Assert.Equal(5, paged.GetProperty("total").GetInt32());
        Assert.Equal(ids[3..], paged.GetProperty("items").ItemIds());

        // item4 gets most interactions, item2 some: popularity order follows.
        var events = Enumerable.Range(0, 6).Select(i => new { userId = ApiTestKit.NewId("u"), itemId = ids[4], type = "purchase" })
            .Concat(Enumerable.Range(0, 3).Select(i => new { userId = ApiTestKit.NewId("u"), itemId = ids[2], type = "like" }))
            .ToArray();
        await Http.PostEventsAsync(events);

        var popular = await Eventually.Get(() => Http.GetOkJsonAsync($"/api/v1/items?category={category}&sort=popular"),
            page => page.GetProperty("items").ItemIds() is [var first, var second, ..] && first == ids[4] && second == ids[2],
            because: "the purchased item first, the liked one second");
        Assert.Equal(5, popular.GetProperty("total").GetInt32());

        var top = await Eventually.Get(() => Http.GetOkJsonAsync($"/api/v1/popular?k=2&category={category}"),
            p => p.GetProperty("items").ItemIds().SequenceEqual([ids[4], ids[2]]), because: "popular?k=2 is the two popular items");
        var first = top.GetProperty("items")[0];
        Assert.Equal(1, first.GetProperty("rank").GetInt32());
        Assert.Equal($"Title {ids[4]}", first.GetProperty("title").GetString());
        Assert.Equal([category], first.GetProperty("categories").EnumerateArray().Select(c => c.GetString()!).ToArray());
        Assert.True(first.GetProperty("score").GetDouble() >= top.GetProperty("items")[1].GetProperty("score").GetDouble());

        var categories = await Http.GetFromJsonAsync<string[]>("/api/v1/categories");
        Assert.Contains(category, categories!);
    }

    [Fact]
    public async Task Similar_items_share_categories()
    {
        var (x, y) = (ApiTestKit.NewId("catx"), ApiTestKit.NewId("caty"));
        var items = new[]
        {
            new { itemId = $"{x}-1", title = "X one", categories = new[] { x } },
            new { itemId = $"{x}-2", title = "X two", categories = new[] { x } },
            new { itemId = $"{x}-3", title = "X three", categories = new[] { x, y } },
            new { itemId = $"{y}-1", title = "Y one", categories = new[] { y } },
        };
        await (await Http.PostAsJsonAsync("/api/v1/items", items)).OkJsonAsync();
        await Eventually.Get(() => Http.GetOkJsonAsync($"/api/v1/items?category={x}"), p => p.GetProperty("total").GetInt32() == 3, because: "indexed");

        var similar = await Eventually.Get(() => Http.GetOkJsonAsync($"/api/v1/items/{x}-1/similar?k=2"),
            s => s.GetProperty("items").GetArrayLength() == 2, because: "two similar items");

        Assert.Equal($"{x}-1", similar.GetProperty("itemId").GetString());
        var found = similar.GetProperty("items").ItemIds();
        Assert.Equal($"{x}-2", found[0]);
        Assert.Equal($"{x}-3", found[1]);
        Assert.DoesNotContain($"{x}-1", found);
        Assert.Equal([1, 2], similar.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("rank").GetInt32()).ToArray());
    }

    [Theory]
    [InlineData("/api/v1/items?sort=random", "sort")]
    [InlineData("/api/v1/items?limit=0", "limit")]
    [InlineData("/api/v1/items?limit=1001", "limit")]
    [InlineData("/api/v1/items?offset=-1", "offset")]
    [InlineData("/api/v1/popular?k=0", "k")]
    [InlineData("/api/v1/popular?k=1001", "k")]
    [InlineData("/api/v1/items/some-item/similar?k=0", "k")]
    [InlineData("/api/v1/items/some-item/similar?k=101", "k")]
    public async Task Invalid_list_parameters_are_refused(string path, string field)
    {
        await (await Http.GetAsync(path)).AssertValidationProblemAsync(field);
    }

    [Fact]
    public async Task An_unknown_item_is_404_problem()
    {
        var response = await Http.GetAsync($"/api/v1/items/{ApiTestKit.NewId("nothing")}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(404, (await response.ReadJsonAsync()).GetProperty("status").GetInt32());
    }
}
