using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Recommender.Api.Security;
using Xunit.Abstractions;

namespace Recommender.Tests.Security;

/// <summary>
/// Production: every call but health, the OpenAPI document and the static page needs a key with
/// the right scope — 401 problem without (or with an unknown) key, 403 problem with a key that
/// lacks the scope. Keys are sent as X-Api-Key (the hub also takes access_token).
/// </summary>
public sealed class ApiKeyTests(SecuredServer fixture, ITestOutputHelper output) : IClassFixture<SecuredServer>
{
    private const string R = SecuredServer.ReadKey, W = SecuredServer.WriteKey, A = SecuredServer.AdminKey;

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    private async Task<HttpResponseMessage> SendAsync(string? key, HttpMethod method, string path, string? json = null)
    {
        using var http = fixture.Client(key);
        using var request = new HttpRequestMessage(method, path);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        return await http.SendAsync(request);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string what)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{what}: expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(text);
        Assert.Equal((int)status, document.RootElement.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(document.RootElement.GetProperty("title").GetString()));
        // A problem never echoes a secret.
        Assert.DoesNotContain(R, text); Assert.DoesNotContain(W, text); Assert.DoesNotContain(A, text);
    }

    private static string EventJson(string user) => $$"""{"userId":"{{user}}","itemId":"sec-item","type":"view"}""";

    /// <summary>Every protected call, as (method, path, body).</summary>
    public static TheoryData<string, string, string?> ProtectedCalls => new()
    {
        { "POST", "/api/v1/events", EventJson("anon") },
        { "POST", "/api/v1/event", """{"user_id":"anon","item_id":"i","event_type":"view"}""" },
        { "POST", "/api/v1/recommend", """{"user_id":"anon","num_recommendations":3}""" },
        { "PUT", "/api/v1/items/sec-put", """{"title":"t"}""" },
        { "POST", "/api/v1/items", """[{"itemId":"sec-post","title":"t"}]""" },
        { "GET", "/api/v1/items", null },
        { "GET", "/api/v1/items/sec-item", null },
        { "GET", "/api/v1/items/sec-item/similar", null },
        { "GET", "/api/v1/popular", null },
        { "GET", "/api/v1/categories", null },
        { "GET", "/api/v1/users/anon/recommendations", null },
        { "GET", "/api/v1/users/anon", null },
        { "GET", "/api/v1/users/anon/export", null },
        { "DELETE", "/api/v1/users/anon", null },
        { "GET", "/api/v1/model", null },
        { "POST", "/api/v1/model/retrain", null },
        { "POST", "/api/v1/model/evaluation", """{"recall":0.1}""" },
        { "GET", "/dashboard/", null },
        { "POST", "/hubs/recommendations/negotiate?negotiateVersion=1", null },
    };

    [Theory]
    [MemberData(nameof(ProtectedCalls))]
    public async Task Without_a_key_a_protected_call_is_401_and_changes_nothing(string method, string path, string? body)
    {
        var response = await SendAsync(null, new HttpMethod(method), path, body);
        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, $"{method} {path} without a key");
        Assert.Contains("ApiKey", response.Headers.WwwAuthenticate.ToString());

        var unknown = await SendAsync("not-a-key-but-long-enough", new HttpMethod(method), path, body);
        await AssertProblemAsync(unknown, HttpStatusCode.Unauthorized, $"{method} {path} with an unknown key");

        // Nothing reached the grains.
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(A, HttpMethod.Get, "/api/v1/users/anon")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(A, HttpMethod.Get, "/api/v1/items/sec-put")).StatusCode);
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    [InlineData("/api/v1/health")]
    [InlineData("/openapi/v1.json")]
    public async Task Health_and_the_OpenAPI_document_stay_open(string path)
    {
        var response = await SendAsync(null, HttpMethod.Get, path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/index.html")]
    [InlineData("/js/app.js")]
    [InlineData("/signin.html")]
    [InlineData("/js/signin.js")]
    public async Task Static_files_are_served_before_authentication(string path)
    {
        // The test host's content root has no wwwroot (404); what matters is that no key is asked for.
        var response = await SendAsync(null, HttpMethod.Get, path);
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, $"{path}: {(int)response.StatusCode}");
    }

    [Fact]
    public async Task A_read_key_may_read_but_not_write()
    {
        var user = NewId("sec-u");
        await AssertProblemAsync(await SendAsync(R, HttpMethod.Post, "/api/v1/events", EventJson(user)), HttpStatusCode.Forbidden, "read key, POST events");
        await AssertProblemAsync(await SendAsync(R, HttpMethod.Post, "/api/v1/event", $$"""{"user_id":"{{user}}","item_id":"i","event_type":"view"}"""), HttpStatusCode.Forbidden, "read key, seed event");
        await AssertProblemAsync(await SendAsync(R, HttpMethod.Put, "/api/v1/items/sec-r", """{"title":"t"}"""), HttpStatusCode.Forbidden, "read key, PUT item");
        await AssertProblemAsync(await SendAsync(R, HttpMethod.Post, "/api/v1/items", """[{"itemId":"sec-r","title":"t"}]"""), HttpStatusCode.Forbidden, "read key, POST items");
        var forbidden = await (await SendAsync(R, HttpMethod.Post, "/api/v1/events", EventJson(user))).Content.ReadAsStringAsync();
        Assert.Contains("write", forbidden);
        Assert.Contains("dashboard-reader", forbidden); // the key's name, not the key

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(R, HttpMethod.Get, $"/api/v1/users/{user}/recommendations?k=3")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(R, HttpMethod.Post, "/api/v1/recommend", $$"""{"user_id":"{{user}}","num_recommendations":3}""")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(R, HttpMethod.Get, "/api/v1/popular")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(R, HttpMethod.Get, "/api/v1/items")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(R, HttpMethod.Get, "/api/v1/model")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(R, HttpMethod.Get, $"/api/v1/users/{user}")).StatusCode);
    }

    [Fact]
    public async Task A_write_key_may_write_and_only_write()
    {
        var user = NewId("sec-w");
        var ack = await SendAsync(W, HttpMethod.Post, "/api/v1/events", EventJson(user));
        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(W, HttpMethod.Post, "/api/v1/event", $$"""{"user_id":"{{user}}","item_id":"sec-item","event_type":"like"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(W, HttpMethod.Put, "/api/v1/items/sec-w-item", """{"title":"Written","categories":["Sec"]}""")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(W, HttpMethod.Post, "/api/v1/items", """[{"itemId":"sec-w-item2","title":"t"}]""")).StatusCode);

        await AssertProblemAsync(await SendAsync(W, HttpMethod.Get, $"/api/v1/users/{user}"), HttpStatusCode.Forbidden, "write key, GET profile");
        await AssertProblemAsync(await SendAsync(W, HttpMethod.Post, "/api/v1/model/retrain"), HttpStatusCode.Forbidden, "write key, retrain");
        await AssertProblemAsync(await SendAsync(W, HttpMethod.Delete, $"/api/v1/users/{user}"), HttpStatusCode.Forbidden, "write key, DELETE user");

        var profile = await SendAsync(A, HttpMethod.Get, $"/api/v1/users/{user}");
        Assert.Equal(HttpStatusCode.OK, profile.StatusCode);
        Assert.Equal(2, (await profile.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("totalEvents").GetInt32());
    }

    [Fact]
    public async Task Admin_actions_need_the_admin_scope()
    {
        var user = NewId("sec-a");
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(W, HttpMethod.Post, "/api/v1/events", EventJson(user))).StatusCode);

        foreach (var key in new[] { R, W })
        {
            await AssertProblemAsync(await SendAsync(key, HttpMethod.Get, $"/api/v1/users/{user}/export"), HttpStatusCode.Forbidden, "export");
            await AssertProblemAsync(await SendAsync(key, HttpMethod.Delete, $"/api/v1/users/{user}"), HttpStatusCode.Forbidden, "forget");
            await AssertProblemAsync(await SendAsync(key, HttpMethod.Post, "/api/v1/model/retrain"), HttpStatusCode.Forbidden, "retrain");
            await AssertProblemAsync(await SendAsync(key, HttpMethod.Post, "/api/v1/model/evaluation", """{"recall":0.5}"""), HttpStatusCode.Forbidden, "evaluation");
            await AssertProblemAsync(await SendAsync(key, HttpMethod.Get, "/dashboard/"), HttpStatusCode.Forbidden, "dashboard");
        }

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(A, HttpMethod.Get, $"/api/v1/users/{user}/export")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(A, HttpMethod.Post, "/api/v1/model/retrain")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(A, HttpMethod.Delete, $"/api/v1/users/{user}")).StatusCode);
        // admin includes read and write
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(A, HttpMethod.Get, "/api/v1/popular")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(A, HttpMethod.Post, "/api/v1/events", EventJson(NewId("sec-a2")))).StatusCode);
    }

    [Theory]
    [InlineData("/dashboard")]
    [InlineData("/dashboard/")]
    [InlineData("/dashboard/index.html")]
    [InlineData("/DASHBOARD/")]
    public async Task The_dashboard_needs_an_admin_key(string path)
    {
        var anonymous = await SendAsync(null, HttpMethod.Get, path);
        Assert.True(anonymous.StatusCode == HttpStatusCode.Unauthorized, $"{path} without a key: {(int)anonymous.StatusCode}");
        var reader = await SendAsync(R, HttpMethod.Get, path);
        Assert.True(reader.StatusCode == HttpStatusCode.Forbidden, $"{path} with a read key: {(int)reader.StatusCode}");
        var admin = await SendAsync(A, HttpMethod.Get, path);
        Assert.True((int)admin.StatusCode is >= 200 and < 400 or 404, $"{path} with the admin key: {(int)admin.StatusCode}");
    }

    [Fact]
    public async Task Every_dashboard_route_needs_admin()
    {
        var sources = fixture.Server.Services.GetRequiredService<EndpointDataSource>();
        var dashboard = sources.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.TrimStart('/').StartsWith("dashboard", StringComparison.OrdinalIgnoreCase) == true).ToArray();
        Assert.NotEmpty(dashboard);
        foreach (var e in dashboard)
        {
            // A concrete path for the pattern (parameters filled with 'x').
            var path = "/" + string.Join('/', e.RoutePattern.PathSegments.Select(s => string.Concat(s.Parts.Select(p => p switch
            {
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart l => l.Content,
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternSeparatorPart s2 => s2.Content,
                _ => "1",
            }))));
            var methods = e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            foreach (var method in methods)
            {
                var response = await SendAsync(R, new HttpMethod(method), path);
                Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{method} {path} ({e.RoutePattern.RawText}) with a read key: {(int)response.StatusCode}");
            }
        }
        output.WriteLine($"{dashboard.Length} dashboard routes, all refused to a read key");
    }

    /// <summary>The route table: which scope every mapped endpoint needs (printed for the docs).</summary>
    [Fact]
    public void Only_health_the_OpenAPI_document_and_the_session_are_open()
    {
        var sources = fixture.Server.Services.GetRequiredService<EndpointDataSource>();
        var open = new List<string>();
        foreach (var e in sources.Endpoints.OfType<RouteEndpoint>().OrderBy(e => e.RoutePattern.RawText))
        {
            foreach (var method in e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"])
            {
                var policy = e.Metadata.GetOrderedMetadata<Microsoft.AspNetCore.Authorization.IAuthorizeData>().Select(a => a.Policy).FirstOrDefault();
                var scope = policy == ApiPolicies.Read ? "read" : policy == ApiPolicies.Write ? "write" : policy == ApiPolicies.Admin ? "admin"
                    : ApiScopes.Required(method == "*" ? "GET" : method, e.RoutePattern) ?? "open";
                if (!e.RoutePattern.RawText!.Contains("dashboard", StringComparison.OrdinalIgnoreCase)) output.WriteLine($"{method,-7} {e.RoutePattern.RawText,-50} {scope}");
                if (scope == "open") open.Add(e.RoutePattern.RawText!);
                Assert.Empty(e.Metadata.GetOrderedMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>());
            }
        }
        // The session routes are open by design: signing in is how a browser gets a key's rights.
        Assert.All(open, p => Assert.True(p.StartsWith("/health") || p.StartsWith("/openapi") || p == "/api/v1/health" || p.TrimEnd('/') == SessionEndpoints.Path, $"{p} is open"));
    }

    [Fact]
    public async Task CORS_preflight_answers_only_the_configured_origin()
    {
        async Task<HttpResponseMessage> PreflightAsync(string origin)
        {
            using var http = fixture.Client(null);
            using var request = new HttpRequestMessage(HttpMethod.Options, "/api/v1/events");
            request.Headers.Add("Origin", origin);
            request.Headers.Add("Access-Control-Request-Method", "POST");
            request.Headers.Add("Access-Control-Request-Headers", "content-type,x-api-key");
            return await http.SendAsync(request);
        }

        var allowed = await PreflightAsync(SecuredServer.AllowedOrigin);
        Assert.True(allowed.IsSuccessStatusCode, $"preflight: {(int)allowed.StatusCode}");
        Assert.Equal(SecuredServer.AllowedOrigin, Assert.Single(allowed.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Contains("x-api-key", string.Join(",", allowed.Headers.GetValues("Access-Control-Allow-Headers")), StringComparison.OrdinalIgnoreCase);

        var other = await PreflightAsync("https://evil.example");
        Assert.False(other.Headers.Contains("Access-Control-Allow-Origin"), "another origin must not be allowed");

        // An actual cross-origin call from the allowed origin carries the header too.
        using var client = fixture.Client(R);
        using var get = new HttpRequestMessage(HttpMethod.Get, "/api/v1/popular");
        get.Headers.Add("Origin", SecuredServer.AllowedOrigin);
        var response = await client.SendAsync(get);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(SecuredServer.AllowedOrigin, Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
    }

    [Fact]
    public async Task The_hub_refuses_a_connection_without_a_key()
    {
        await using var hub = new HubConnectionBuilder().WithUrl(new Uri(fixture.Server.BaseAddress, "/hubs/recommendations")).Build();
        var error = await Assert.ThrowsAnyAsync<HttpRequestException>(() => hub.StartAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
    }

    [Fact]
    public async Task The_hub_refuses_a_write_only_key()
    {
        await using var hub = new HubConnectionBuilder().WithUrl(new Uri(fixture.Server.BaseAddress, "/hubs/recommendations"),
            o => o.AccessTokenProvider = () => Task.FromResult<string?>(W)).Build();
        var error = await Assert.ThrowsAnyAsync<HttpRequestException>(() => hub.StartAsync());
        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
    }

    [Fact]
    public async Task A_read_key_watches_through_the_hub()
    {
        var user = NewId("sec-hub");
        await using var hub = new HubConnectionBuilder().WithUrl(new Uri(fixture.Server.BaseAddress, "/hubs/recommendations"),
            o => o.AccessTokenProvider = () => Task.FromResult<string?>(R)).Build();
        await hub.StartAsync();
        var current = await hub.InvokeAsync<JsonElement>("Watch", user, 5);
        Assert.Equal(user, current.GetProperty("userId").GetString());
    }

    [Fact]
    public async Task The_hub_takes_the_key_from_access_token_as_browsers_send_it()
    {
        using var http = fixture.Client(null);
        var without = await http.PostAsync("/hubs/recommendations/negotiate?negotiateVersion=1", null);
        Assert.Equal(HttpStatusCode.Unauthorized, without.StatusCode);
        var with = await http.PostAsync($"/hubs/recommendations/negotiate?negotiateVersion=1&access_token={Uri.EscapeDataString(R)}", null);
        Assert.Equal(HttpStatusCode.OK, with.StatusCode);
        // access_token is honoured on the hub only, never on the REST API.
        var rest = await http.GetAsync($"/api/v1/popular?access_token={Uri.EscapeDataString(R)}");
        Assert.Equal(HttpStatusCode.Unauthorized, rest.StatusCode);
    }
}
