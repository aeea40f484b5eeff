using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Recommender.Tests.Api;

/// <summary>Unique ids (tests share one server) and the assertions every API test needs.</summary>
internal static class ApiTestKit
{
    /// <summary>A fresh id that satisfies the id rule: no other test uses it.</summary>
    public static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 128)];

    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient http, string path, string body) =>
        http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

    public static Task<HttpResponseMessage> PutRawAsync(this HttpClient http, string path, string body) =>
        http.PutAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>A 200 answer's JSON body (the body is shown when the status is not 200).</summary>
    public static async Task<JsonElement> OkJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}: {text}");
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    public static async Task<JsonElement> GetOkJsonAsync(this HttpClient http, string path) => await (await http.GetAsync(path)).OkJsonAsync();

    /// <summary>
    /// Asserts an RFC 7807 validation problem: 400, <c>application/problem+json</c>, status 400 in
    /// the body and an <c>errors</c> map with an entry for <paramref name="field"/>.
    /// </summary>
    public static async Task<JsonElement> AssertValidationProblemAsync(this HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400 naming '{field}', got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement.Clone();
        Assert.Equal(400, root.GetProperty("status").GetInt32());
        Assert.True(root.TryGetProperty("title", out _), $"a problem has a title: {text}");
        Assert.True(root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object, $"no errors map: {text}");
        Assert.True(errors.TryGetProperty(field, out var reasons), $"errors should name '{field}': {text}");
        Assert.True(reasons.GetArrayLength() > 0, $"'{field}' should have a reason: {text}");
        return root;
    }

    public static async Task AssertStatusAsync(this HttpClient http, string path, HttpStatusCode expected)
    {
        var response = await http.GetAsync(path);
        Assert.True(response.StatusCode == expected,
            $"GET {path}: expected {(int)expected}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>The user was never created: no event of the rejected request reached them.</summary>
    public static Task AssertUserUnknownAsync(this HttpClient http, string userId) =>
        http.AssertStatusAsync($"/api/v1/users/{userId}", HttpStatusCode.NotFound);

    /// <summary>The item was never created: neither described nor interacted with.</summary>
    public static Task AssertItemUnknownAsync(this HttpClient http, string itemId) =>
        http.AssertStatusAsync($"/api/v1/items/{itemId}", HttpStatusCode.NotFound);

    public static async Task<JsonElement> PostEventsAsync(this HttpClient http, object body) =>
        await (await http.PostAsJsonAsync("/api/v1/events", body)).OkJsonAsync();

    public static async Task PutItemAsync(this HttpClient http, string itemId, string title, params string[] categories) =>
        await (await http.PutAsJsonAsync($"/api/v1/items/{itemId}", new { title, categories })).OkJsonAsync();

    public static string[] ItemIds(this JsonElement list) =>
        [.. list.EnumerateArray().Select(i => i.GetProperty("itemId").GetString()!)];
}
