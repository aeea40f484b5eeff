using System.Net.Http.Json;
using Recommender.Tests.Infrastructure;

namespace Recommender.Tests.Api;

/// <summary>The seed's own calls (snake_case bodies) keep working verbatim.</summary>
[Collection(ApiServerCollection.Name)]
public sealed class SeedCompatibilityTests(ApiServerFixture fixture)
{
    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task The_seed_event_call_answers_status_ok_and_records_the_event()
    {
        var user = ApiTestKit.NewId("u");
        var item = ApiTestKit.NewId("i");

        var view = await (await Http.PostRawAsync("/api/v1/event",
            $$"""{"user_id":"{{user}}","item_id":"{{item}}","event_type":"view","value":null}""")).OkJsonAsync();
        var rating = await (await Http.PostRawAsync("/api/v1/event",
            $$"""{"user_id":"{{user}}","item_id":"{{item}}","event_type":"rating","value":4}""")).OkJsonAsync();
        // The seed's frontend sends the value as a string.
        var rating2 = await (await Http.PostRawAsync("/api/v1/event",
            $$"""{"user_id":"{{user}}","item_id":"{{item}}","event_type":"rating","value":"5"}""")).OkJsonAsync();

        foreach (var answer in new[] { view, rating, rating2 })
        {
            Assert.Equal("ok", answer.GetProperty("status").GetString());
            Assert.Single(answer.EnumerateObject());
        }
        var profile = await Http.GetOkJsonAsync($"/api/v1/users/{user}");
        Assert.Equal(3, profile.GetProperty("totalEvents").GetInt32());
        Assert.Equal(2, profile.GetProperty("counts").GetProperty("rating").GetInt32());
    }

    [Fact]
    public async Task The_seed_recommend_call_answers_user_id_and_recommendations()
    {
        var category = ApiTestKit.NewId("seedcat");
        var items = Enumerable.Range(0, 4).Select(i => new { itemId = $"{category}-{i}", title = $"Seed {i}", categories = new[] { category } }).ToArray();
        await (await Http.PostAsJsonAsync("/api/v1/items", items)).OkJsonAsync();
        await Eventually.Get(() => Http.GetOkJsonAsync($"/api/v1/items?category={category}"), p => p.GetProperty("total").GetInt32() == 4, because: "indexed");
        var user = ApiTestKit.NewId("u");
        await (await Http.PostRawAsync("/api/v1/event",
            $$"""{"user_id":"{{user}}","item_id":"{{category}}-0","event_type":"like"}""")).OkJsonAsync();

        var answer = await (await Http.PostRawAsync("/api/v1/recommend",
            $$"""{"user_id":"{{user}}","num_recommendations":3}""")).OkJsonAsync();

        Assert.Equal(user, answer.GetProperty("user_id").GetString());
        var recommendations = answer.GetProperty("recommendations").EnumerateArray().ToArray();
        Assert.Equal(3, recommendations.Length);
        Assert.All(recommendations, r =>
        {
            Assert.False(string.IsNullOrEmpty(r.GetProperty("item_id").GetString()));
            Assert.Equal(System.Text.Json.JsonValueKind.Number, r.GetProperty("score").ValueKind);
        });
        Assert.DoesNotContain($"{category}-0", recommendations.Select(r => r.GetProperty("item_id").GetString()));
        Assert.False(answer.TryGetProperty("userId", out _));
    }

    [Fact]
    public async Task The_seed_recommend_call_defaults_to_10_for_a_cold_user()
    {
        var answer = await (await Http.PostRawAsync("/api/v1/recommend", $$"""{"user_id":"{{ApiTestKit.NewId("cold")}}"}""")).OkJsonAsync();
        Assert.True(answer.GetProperty("recommendations").GetArrayLength() <= 10);
    }

    [Fact]
    public async Task The_seed_health_call_answers_healthy()
    {
        var health = await Http.GetOkJsonAsync("/api/v1/health");
        Assert.Equal("healthy", health.GetProperty("status").GetString());
    }

    public static TheoryData<string, string, string> InvalidSeedCalls => new()
    {
        { "/api/v1/event", """{"user_id":"$U","item_id":"$I","event_type":"teleport"}""", "event_type" },
        { "/api/v1/event", """{"user_id":"$U","item_id":"$I","event_type":"rating"}""", "value" },
        { "/api/v1/event", """{"user_id":"$U","item_id":"$I","event_type":"rating","value":"6"}""", "value" },
        { "/api/v1/event", """{"item_id":"$I","event_type":"view"}""", "user_id" },
        { "/api/v1/event", """{"user_id":"$U x","item_id":"$I","event_type":"view"}""", "user_id" },
        { "/api/v1/event", """{"user_id":"$U","item_id":7,"event_type":"view"}""", "item_id" },
        { "/api/v1/event", """{"userId":"$U","itemId":"$I","type":"view"}""", "user_id" },
        { "/api/v1/event", """{"user_id":"$U" """, "body" },
        { "/api/v1/recommend", """{"user_id":"$U","num_recommendations":0}""", "num_recommendations" },
        { "/api/v1/recommend", """{"user_id":"$U","num_recommendations":101}""", "num_recommendations" },
        { "/api/v1/recommend", """{"user_id":"$U","num_recommendations":2.5}""", "num_recommendations" },
        { "/api/v1/recommend", """{"user_id":"$U","num_recommendations":"many"}""", "num_recommendations" },
        { "/api/v1/recommend", """{"num_recommendations":3}""", "user_id" },
        { "/api/v1/recommend", """{"user_id":"","num_recommendations":3}""", "user_id" },
        { "/api/v1/recommend", """[{"user_id":"$U"}]""", "body" },
    };

    [Theory]
    [MemberData(nameof(InvalidSeedCalls))]
    public async Task An_invalid_seed_call_is_refused_with_400_naming_the_field(string path, string template, string field)
    {
        var (user, item) = (ApiTestKit.NewId("u"), ApiTestKit.NewId("i"));

        var response = await Http.PostRawAsync(path, template.Replace("$U", user).Replace("$I", item));

        await response.AssertValidationProblemAsync(field);
        await Http.AssertUserUnknownAsync(user);
        await Http.AssertItemUnknownAsync(item);
    }
}
