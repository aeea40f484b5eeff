using System.Net;
using System.Text.Json;
using Recommender.Tests.Infrastructure;

namespace Recommender.Tests.Api;

/// <summary>
/// The OpenAPI document as a contract clients are generated from (the TypeScript client is):
/// operation ids, the real types of parameters (checked against what the server refuses), the
/// common problem answers, no dashboard routes, and the hub's pushed shapes.
/// </summary>
[Collection(ApiServerCollection.Name)]
public sealed class OpenApiContractTests(ApiServerFixture fixture)
{
    private HttpClient Http => fixture.Http;

    private async Task<JsonElement> Document() => await (await Http.GetAsync("/openapi/v1.json")).OkJsonAsync();

    private static IEnumerable<(string Path, string Method, JsonElement Operation)> Operations(JsonElement document) =>
        document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Where(m => m.Name is "get" or "post" or "put" or "patch" or "delete").Select(m => (p.Name, m.Name, m.Value)));

    private static IEnumerable<JsonElement> QueryParameters(JsonElement operation) =>
        operation.TryGetProperty("parameters", out var parameters)
            ? parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "query")
            : [];

    [Fact]
    public async Task Every_operation_has_a_unique_id_and_the_dashboard_is_not_in_it()
    {
        var document = await Document();
        var operations = Operations(document).ToArray();
        Assert.True(operations.Length >= 40, $"{operations.Length} operations");
        var ids = operations.Select(o => o.Operation.TryGetProperty("operationId", out var id) ? id.GetString() : null).ToArray();
        Assert.All(operations.Zip(ids), o => Assert.False(string.IsNullOrEmpty(o.Second), $"{o.First.Method} {o.First.Path} has no operationId"));
        Assert.Equal(ids.Length, ids.Distinct().Count());
        Assert.DoesNotContain(operations, o => o.Path.StartsWith("/dashboard", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Protected_operations_list_401_403_and_every_one_429_and_503_as_problems()
    {
        var document = await Document();
        Assert.Equal("X-Api-Key", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey").GetProperty("name").GetString());
        foreach (var (path, method, operation) in Operations(document))
        {
            var responses = operation.GetProperty("responses");
            var open = path is "/api/v1/health" or "/api/v1/session";
            foreach (var status in open ? new[] { "429", "503" } : ["401", "403", "429", "503"])
            {
                Assert.True(responses.TryGetProperty(status, out var response), $"{method.ToUpperInvariant()} {path} does not list {status}");
                Assert.True(response.GetProperty("content").TryGetProperty("application/problem+json", out _), $"{method} {path} {status} is not a problem");
            }
            Assert.Equal(!open, operation.TryGetProperty("security", out _));
        }
    }

    [Fact]
    public async Task Declared_integer_and_boolean_parameters_are_refused_by_name_when_they_are_not()
    {
        var document = await Document();
        var checkedCount = 0;
        foreach (var (path, method, operation) in Operations(document).Where(o => o.Method == "get"))
        {
            var url = System.Text.RegularExpressions.Regex.Replace(path, @"\{[^}]+\}", "contract-probe");
            foreach (var parameter in QueryParameters(operation))
            {
                var name = parameter.GetProperty("name").GetString()!;
                var type = parameter.GetProperty("schema").GetProperty("type").GetString();
                if (type is not ("integer" or "boolean" or "number")) continue;
                // A declared integer / boolean / number given text: the server refuses it and names it.
                var response = await Http.GetAsync($"{url}?{name}=not-a-{type}");
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"GET {url}?{name}=not-a-{type}: {(int)response.StatusCode} {body}");
                Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("errors").TryGetProperty(name, out _), $"GET {url}?{name}=…: {body}");
                checkedCount++;
            }
        }
        Assert.True(checkedCount >= 10, $"{checkedCount} typed parameters checked");
    }

    [Fact]
    public async Task Lists_that_take_a_filter_say_so_and_a_bad_one_is_refused_by_name()
    {
        var document = await Document();
        var withFilter = Operations(document).Where(o => QueryParameters(o.Operation).Any(p => p.GetProperty("name").GetString() == "filter")).ToArray();
        Assert.Contains(withFilter, o => o.Path == "/api/v1/users/{userId}/recommendations");
        Assert.Contains(withFilter, o => o.Path == "/api/v1/popular");
        foreach (var (path, _, _) in withFilter)
        {
            var url = System.Text.RegularExpressions.Regex.Replace(path, @"\{[^}]+\}", "contract-probe");
            var response = await Http.GetAsync($"{url}?filter=price%20%3C");
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest && JsonDocument.Parse(body).RootElement.GetProperty("errors").TryGetProperty("filter", out _),
                $"GET {url}?filter=price <: {(int)response.StatusCode} {body}");
        }
    }

    [Fact]
    public async Task The_hub_pushes_are_described_in_the_components()
    {
        var schemas = (await Document()).GetProperty("components").GetProperty("schemas");
        var ranking = schemas.GetProperty("RankingChangedMessage").GetProperty("properties");
        foreach (var field in new[] { "userId", "items", "diff", "cause", "modelVersion", "sequence", "recommendationId" })
            Assert.True(ranking.TryGetProperty(field, out _), $"RankingChangedMessage.{field}");
        Assert.True(schemas.GetProperty("ExperimentResults").GetProperty("properties").TryGetProperty("decision", out _));
    }
}
