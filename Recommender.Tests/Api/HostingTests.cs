using System.Net;
using System.Text.Json;
using Recommender.Tests.Infrastructure;

namespace Recommender.Tests.Api;

/// <summary>Health probes, the OpenAPI document, the dashboard, problem details for unknown routes.</summary>
[Collection(ApiServerCollection.Name)]
public sealed class HostingTests(ApiServerFixture fixture)
{
    private HttpClient Http => fixture.Http;

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_probes_answer_200(string path)
    {
        var response = await Http.GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task Readiness_reports_healthy_checks_as_json()
    {
        var ready = await Http.GetOkJsonAsync("/health/ready");
        Assert.Equal("healthy", ready.GetProperty("status").GetString());
        Assert.NotEmpty(ready.GetProperty("checks").EnumerateArray());
        Assert.All(ready.GetProperty("checks").EnumerateArray(), c => Assert.Equal("healthy", c.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task The_OpenAPI_document_lists_the_v1_endpoints()
    {
        var response = await Http.GetAsync("/openapi/v1.json");
        var document = await response.OkJsonAsync();

        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString());
        Assert.StartsWith("3.", document.GetProperty("openapi").GetString());
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Contains("/api/v1/events", paths);
        Assert.Contains("/api/v1/users/{userId}/recommendations", paths);
        Assert.Contains("/api/v1/items/{itemId}", paths);
        Assert.Contains("/api/v1/event", paths);
        Assert.Contains("/api/v1/recommend", paths);
        Assert.Contains("/api/v1/health", paths);
        Assert.True(document.GetProperty("paths").GetProperty("/api/v1/events").TryGetProperty("post", out _));
        // The catalogue rules are described too.
        foreach (var (path, method) in new[]
        {
            ("/api/v1/items/{itemId}", "patch"), ("/api/v1/items/{itemId}", "delete"), ("/api/v1/items/latest", "get"),
            ("/api/v1/users/{userId}/properties", "put"), ("/api/v1/users/{userId}/properties", "patch"),
            ("/api/v1/users/{userId}/recommendations/next", "get"),
            ("/api/v1/filters/{name}", "put"), ("/api/v1/filters", "get"), ("/api/v1/promotions/{name}", "put"), ("/api/v1/boosts/{name}", "put"),
        })
            Assert.True(document.GetProperty("paths").TryGetProperty(path, out var item) && item.TryGetProperty(method, out _), $"{method.ToUpperInvariant()} {path} is in the OpenAPI document");
    }

    [Fact]
    public async Task Events_are_accepted_with_and_without_a_trailing_slash()
    {
        var user = ApiTestKit.NewId("u");
        foreach (var path in new[] { "/api/v1/events", "/api/v1/events/" })
        {
            var response = await Http.PostRawAsync(path, $$"""{"userId":"{{user}}","itemId":"x","type":"view"}""");
            await response.OkJsonAsync();
        }
    }

    [Fact]
    public async Task The_dashboard_answers_with_HTML()
    {
        var response = await Http.GetAsync("/dashboard/");
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"/dashboard/: {(int)response.StatusCode} {text[..Math.Min(300, text.Length)]}");
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<html", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_simulator_page_is_served_at_the_root()
    {
        var response = await Http.GetAsync("/");
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"/: {(int)response.StatusCode} {text[..Math.Min(300, text.Length)]}");
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<html", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_unknown_route_is_a_404_problem()
    {
        var response = await Http.GetAsync("/api/v1/nothing-here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(404, (await response.ReadJsonAsync()).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_wrong_method_is_405()
    {
        var response = await Http.GetAsync("/api/v1/events");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Fact]
    public async Task Responses_are_camelCase_JSON()
    {
        var user = ApiTestKit.NewId("u");
        await Http.PostEventsAsync(new { userId = user, itemId = "camel-item", type = "view" });
        var raw = await (await Http.GetAsync($"/api/v1/users/{user}")).Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(raw);
        Assert.All(document.RootElement.EnumerateObject(), p => Assert.True(char.IsLower(p.Name[0]), $"'{p.Name}' is not camelCase"));
    }
}
