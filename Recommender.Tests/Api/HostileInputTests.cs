using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Recommender.Grains.Items;
using Recommender.Grains.Users;
using Recommender.Tests.Infrastructure;

namespace Recommender.Tests.Api;

/// <summary>
/// The findings of the outside attack (issue #11): ids the routes cannot address, Kestrel's own
/// rejections, the dashboard's address parsing, and values the validation let through. Each is a
/// 400/404 problem naming what is wrong, and changes nothing.
/// </summary>
[Collection(ApiServerCollection.Name)]
public sealed class HostileInputTests(ApiServerFixture fixture)
{
    private HttpClient Http => fixture.Http;
    private ApiServer Server => fixture.Server;

    // ---------------------------------------------------------------- ids made only of dots

    public static TheoryData<string> DotIds => new() { ".", "..", "...", "...." };

    /// <summary>
    /// Kestrel removes dot segments before routing (<c>/users/..</c> is <c>/</c>, <c>/users/./export</c>
    /// reads the user "export"), so such a user or item could be created but never read, exported or
    /// erased: every door refuses them.
    /// </summary>
    [Theory]
    [MemberData(nameof(DotIds))]
    public async Task Ids_made_only_of_dots_are_refused_wherever_ids_enter(string dots)
    {
        var item = ApiTestKit.NewId("dot-i");
        var user = ApiTestKit.NewId("dot-u");
        var cases = new (string Method, string Path, string Body, string Field)[]
        {
            ("POST", "/api/v1/events", $$"""{"userId":"{{dots}}","itemId":"{{item}}","type":"view"}""", "userId"),
            ("POST", "/api/v1/events", $$"""{"userId":"{{user}}","itemId":"{{dots}}","type":"view"}""", "itemId"),
            ("POST", "/api/v1/events", $$"""{"userId":"{{user}}","itemId":"{{item}}","type":"view","eventId":"{{dots}}"}""", "eventId"),
            ("POST", "/api/v1/events", $$"""[{"userId":"{{user}}","itemId":"{{item}}","type":"view"},{"userId":"{{dots}}","itemId":"{{item}}","type":"like"}]""", "[1].userId"),
            ("POST", "/api/v1/event", $$"""{"user_id":"{{dots}}","item_id":"{{item}}","event_type":"view"}""", "user_id"),
            ("POST", "/api/v1/event", $$"""{"user_id":"{{user}}","item_id":"{{dots}}","event_type":"view"}""", "item_id"),
            ("POST", "/api/v1/recommend", $$"""{"user_id":"{{dots}}"}""", "user_id"),
            ("POST", "/api/v1/items", $$"""[{"itemId":"{{item}}","title":"ok"},{"itemId":"{{dots}}","title":"dots"}]""", "[1].itemId"),
        };
        foreach (var (method, path, body, field) in cases)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            var problem = await (await Http.SendAsync(request)).AssertValidationProblemAsync(field);
            Assert.Contains("dot", problem.GetProperty("errors").GetProperty(field)[0].GetString(), StringComparison.OrdinalIgnoreCase);
        }
        // A query value is no path segment, but it is the same id rule.
        await (await Http.GetAsync($"/api/v1/users/{user}/recommendations?exclude=a,{dots}")).AssertValidationProblemAsync("exclude");

        // Nothing reached a grain: neither the dotted ids nor the valid ones of the rejected requests.
        var grains = Server.Services.GetRequiredService<IGrainFactory>();
        Assert.Null(await grains.GetGrain<IUserGrain>(dots).GetProfile());
        Assert.Null(await grains.GetGrain<IItemGrain>(dots).Get());
        await Http.AssertUserUnknownAsync(user);
        await Http.AssertItemUnknownAsync(item);
    }

    [Fact]
    public async Task Ids_with_dots_among_other_characters_stay_valid()
    {
        var user = "a.." + ApiTestKit.NewId("u");
        var item = ".." + ApiTestKit.NewId("i") + ".";
        await Http.PostEventsAsync(new { userId = user, itemId = item, type = "view", eventId = "..e." });
        await Http.GetOkJsonAsync($"/api/v1/users/{user}");
        await Http.GetOkJsonAsync($"/api/v1/users/{user}/export");
        await Eventually.Get(() => Http.GetOkJsonAsync($"/api/v1/items/{item}"), _ => true);
    }

    // ---------------------------------------------------------------- Kestrel's limits as problem details

    /// <summary>A request line over 8 KB (a 10 KB id in the path) is a 414 problem, not Kestrel's empty 414.</summary>
    [Fact]
    public async Task A_request_line_over_8_KB_is_a_414_problem()
    {
        var answer = await RawHttp.GetAsync(Server.BaseAddress, "/api/v1/users/" + new string('x', 10_240));
        Assert.True(answer.Status == 414, answer.ToString());
        AssertProblem(answer, 414);
        // Up to the limit the request is routed as usual (here: a user never seen).
        var fits = await RawHttp.GetAsync(Server.BaseAddress, "/api/v1/items?category=" + new string('c', 8_000));
        Assert.True(fits.Status == 200, fits.ToString());
    }

    [Fact]
    public async Task Headers_over_32_KB_or_more_than_100_are_a_431_problem()
    {
        var big = await RawHttp.GetAsync(Server.BaseAddress, "/health/live", $"X-Big: {new string('h', 40_000)}\r\n");
        Assert.True(big.Status == 431, big.ToString());
        AssertProblem(big, 431);

        var many = await RawHttp.GetAsync(Server.BaseAddress, "/health/live", string.Concat(Enumerable.Range(0, 120).Select(i => $"X-H{i}: v\r\n")));
        Assert.True(many.Status == 431, many.ToString());
        AssertProblem(many, 431);

        var fits = await RawHttp.GetAsync(Server.BaseAddress, "/health/live", $"X-Big: {new string('h', 30_000)}\r\n" + string.Concat(Enumerable.Range(0, 90).Select(i => $"X-H{i}: v\r\n")));
        Assert.True(fits.Status == 200, fits.ToString());
    }

    /// <summary>
    /// What Kestrel refuses while it parses the request line and headers, before any middleware runs:
    /// the application cannot give these a body. The list in the report and the docs is this one.
    /// </summary>
    public static TheoryData<string, string, int> KestrelOwnRejections => new()
    {
        { "%00 in the path", "GET /api/v1/users/a%00b HTTP/1.1\r\nHost: x\r\n", 400 },
        { "raw NUL in the path", "GET /api/v1/users/a\0b HTTP/1.1\r\nHost: x\r\n", 400 },
        { "raw non-ASCII byte in the path", "GET /api/v1/users/a\u00ffb HTTP/1.1\r\nHost: x\r\n", 400 },
        { "space in the method", "G ET / HTTP/1.1\r\nHost: x\r\n", 400 },
        { "target not starting with / (authority form without CONNECT)", "GET users HTTP/1.1\r\nHost: x\r\n", 405 },
        { "unknown HTTP version", "GET / HTTP/9.9\r\nHost: x\r\n", 505 },
        { "HTTP/1.1 without Host", "GET / HTTP/1.1\r\n", 400 },
        { "two Host headers", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n", 400 },
        { "header without a colon", "GET / HTTP/1.1\r\nHost: x\r\nNoColon\r\n", 400 },
        { "space in a header name", "GET / HTTP/1.1\r\nHost: x\r\nBad Name: v\r\n", 400 },
        { "Content-Length not a number", "POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n", 400 },
        { "two Content-Lengths", "POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n", 400 },
        { "Transfer-Encoding not ending in chunked", "POST /api/v1/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n", 400 },
        { "HTTP/1.0 POST without Content-Length", "POST /api/v1/events HTTP/1.0\r\nHost: x\r\n", 400 },
        { "request line over 64 KB", $"GET /{new string('x', 70_000)} HTTP/1.1\r\nHost: x\r\n", 414 },
        { "headers over 64 KB", $"GET / HTTP/1.1\r\nHost: x\r\nX-Big: {new string('h', 70_000)}\r\n", 431 },
        { "more than 200 headers", "GET / HTTP/1.1\r\nHost: x\r\n" + string.Concat(Enumerable.Range(0, 210).Select(i => $"X-H{i}: v\r\n")), 431 },
    };

    [Theory]
    [MemberData(nameof(KestrelOwnRejections))]
    public async Task Kestrel_answers_these_itself_before_any_middleware_with_an_empty_body(string name, string head, int status)
    {
        var answer = await RawHttp.SendAsync(Server.BaseAddress, Encoding.Latin1.GetBytes(head + "Connection: close\r\n\r\n"));
        Assert.True(answer.Status == status, $"{name}: {answer}");
        Assert.True(answer.Body.Length == 0, $"{name}: {answer}");
    }

    /// <summary>A body's framing is read by the application, so its faults are problem details (unlike the request line's).</summary>
    [Fact]
    public async Task A_malformed_chunked_body_is_a_400_problem()
    {
        var answer = await RawHttp.SendAsync(Server.BaseAddress, Encoding.ASCII.GetBytes(
            "POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"));
        Assert.True(answer.Status == 400, answer.ToString());
        AssertProblem(answer, 400);
    }

    // ---------------------------------------------------------------- the dashboard's silo addresses

    public static TheoryData<string> GarbageSiloRoutes => new()
    {
        "/dashboard/SiloProperties/garbage",
        "/dashboard/SiloProperties/1.2.3.4",
        "/dashboard/SiloProperties/1.2.3.4:5",
        "/dashboard/SiloProperties/%01",
        "/dashboard/SiloProperties/x@y",
        "/dashboard/SiloProperties/a/b/c",
        "/dashboard/SiloMetadata/::::",
        "/dashboard/SiloStats/999.999.999.999:1@1",
        "/dashboard/SiloCounters/%C3%A9",
        "/dashboard/HistoricalStats/" + new string('9', 200),
        "/dashboard/SiloProperties/10.0.0.1:11111@123",
    };

    /// <summary>The dashboard parses the address itself and answered 500 on garbage; now only a live silo's address reaches it.</summary>
    [Theory]
    [MemberData(nameof(GarbageSiloRoutes))]
    public async Task A_dashboard_route_with_an_address_that_is_no_live_silo_is_a_404_problem(string path)
    {
        var response = await Http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path}: {(int)response.StatusCode} {text[..Math.Min(400, text.Length)]}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(404, JsonDocument.Parse(text).RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_dashboard_route_with_a_live_silo_address_still_answers()
    {
        var address = Server.Services.GetRequiredService<Orleans.Runtime.ILocalSiloDetails>().SiloAddress.ToParsableString();
        foreach (var route in new[] { "SiloProperties", "SiloStats", "SiloCounters", "HistoricalStats" })
        {
            var response = await Http.GetAsync($"/dashboard/{route}/{Uri.EscapeDataString(address)}");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{route}/{address}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    // ---------------------------------------------------------------- lax values

    [Theory]
    [InlineData("5")]
    [InlineData("0")]
    [InlineData("popular,id")]
    [InlineData("id,popular")]
    [InlineData(" id")]
    [InlineData("-1")]
    public async Task A_sort_other_than_popular_or_id_is_refused(string sort) =>
        await (await Http.GetAsync("/api/v1/items?sort=" + Uri.EscapeDataString(sort))).AssertValidationProblemAsync("sort");

    [Theory]
    [InlineData("popular")]
    [InlineData("id")]
    [InlineData("Popular")]
    public async Task The_documented_sorts_are_accepted(string sort) =>
        await Http.GetOkJsonAsync("/api/v1/items?limit=1&sort=" + sort);

    [Theory]
    [InlineData("1/2/2020")]
    [InlineData("01/02/2020 10:00")]
    [InlineData("2020-01-02 03:04:05")]
    [InlineData("Thu, 02 Jan 2020 03:04:05 GMT")]
    [InlineData("2020-1-2")]
    [InlineData("20200102T030405Z")]
    [InlineData("2020-01-02T03:04:05 +01:00")]
    [InlineData("2020-01-02T03:04:05.12345678Z")]
    [InlineData("January 2, 2020")]
    [InlineData("1577934245")]
    public async Task A_timestamp_that_is_not_ISO_8601_is_refused(string timestamp)
    {
        var user = ApiTestKit.NewId("ts");
        var response = await Http.PostAsJsonAsync("/api/v1/events", new { userId = user, itemId = "ts-item", type = "view", timestamp });
        await response.AssertValidationProblemAsync("timestamp");
        await Http.AssertUserUnknownAsync(user);
    }

    [Theory]
    [InlineData("2024-05-01T12:00:00Z", "2024-05-01T12:00:00Z")]
    [InlineData("2024-05-01T12:00:00+02:00", "2024-05-01T10:00:00Z")]
    [InlineData("2024-05-01t12:00:00.1234567z", "2024-05-01T12:00:00.1234567Z")]
    [InlineData("2024-05-01T12:00:00.5-03:30", "2024-05-01T15:30:00.5Z")]
    [InlineData("2024-05-01T12:00Z", "2024-05-01T12:00:00Z")]
    [InlineData("2024-05-01T12:00:00", "2024-05-01T12:00:00Z")]
    [InlineData("2024-05-01", "2024-05-01T00:00:00Z")]
    public async Task ISO_8601_timestamps_are_kept_as_their_UTC_instant(string timestamp, string expected)
    {
        var user = ApiTestKit.NewId("ts");
        await Http.PostEventsAsync(new { userId = user, itemId = "ts-item", type = "view", timestamp });
        var recent = (await Http.GetOkJsonAsync($"/api/v1/users/{user}")).GetProperty("recent")[0];
        // Stored to the millisecond.
        var at = DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(at.ToUnixTimeMilliseconds()), recent.GetProperty("timestamp").GetDateTimeOffset());
    }

    [Theory]
    [InlineData("1800-01-01T00:00+14:00")]   // 1799-12-31T10:00Z: the local year is in range, the instant is not
    [InlineData("1799-12-31T23:59:59Z")]
    [InlineData("9000-12-31T23:59-01:00")]   // 9001-01-01T00:59Z
    [InlineData("1/2/2020")]
    [InlineData("2020-01-02 03:04:05")]
    public async Task A_createdAt_outside_1800_to_9000_UTC_or_not_ISO_8601_is_refused(string createdAt)
    {
        var item = ApiTestKit.NewId("ca");
        var response = await Http.PutAsJsonAsync($"/api/v1/items/{item}", new { title = "T", createdAt });
        await response.AssertValidationProblemAsync("createdAt");
        var batch = await Http.PostAsJsonAsync("/api/v1/items", new[] { new { itemId = item, title = "T", createdAt } });
        await batch.AssertValidationProblemAsync("[0].createdAt");
        await Http.AssertItemUnknownAsync(item);
    }

    [Fact]
    public async Task A_createdAt_at_the_bounds_is_kept()
    {
        var item = ApiTestKit.NewId("ca");
        var first = await (await Http.PutAsJsonAsync($"/api/v1/items/{item}", new { title = "T", createdAt = "1800-01-01T00:00:00Z" })).OkJsonAsync();
        Assert.Equal(new DateTimeOffset(1800, 1, 1, 0, 0, 0, TimeSpan.Zero), first.GetProperty("createdAt").GetDateTimeOffset());
        var last = await (await Http.PutAsJsonAsync($"/api/v1/items/{item}", new { title = "T", createdAt = "9000-12-31T23:59:59+00:00" })).OkJsonAsync();
        Assert.Equal(new DateTimeOffset(9000, 12, 31, 23, 59, 59, TimeSpan.Zero), last.GetProperty("createdAt").GetDateTimeOffset());
    }

    [Theory]
    [InlineData("""{"ndcg":"NaN"}""", "ndcg")]
    [InlineData("""{"ndcg":"Infinity"}""", "ndcg")]
    [InlineData("""{"recall":0.5,"ndcg":"-Infinity"}""", "ndcg")]
    [InlineData("""{"ndcg":1e400}""", "ndcg")]
    [InlineData("""{"ndcg":"0.5"}""", "ndcg")]
    [InlineData("""{"ndcg":null}""", "ndcg")]
    [InlineData("""{"ndcg":[1]}""", "ndcg")]
    [InlineData("""[1]""", "body")]
    public async Task An_evaluation_figure_that_is_not_a_finite_number_is_refused(string body, string field)
    {
        var before = (await Http.GetOkJsonAsync("/api/v1/model")).GetProperty("lastEvaluation").GetRawText();
        await (await Http.PostRawAsync("/api/v1/model/evaluation", body)).AssertValidationProblemAsync(field);
        var model = await (await Http.GetAsync("/api/v1/model")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("NaN", model, StringComparison.Ordinal);
        Assert.DoesNotContain("Infinity", model, StringComparison.Ordinal);
        Assert.Equal(before, JsonDocument.Parse(model).RootElement.GetProperty("lastEvaluation").GetRawText());
    }

    [Fact]
    public async Task Finite_evaluation_figures_are_recorded()
    {
        var response = await Http.PostRawAsync("/api/v1/model/evaluation", """{"ndcg@10":0.25,"recall@10":1e-3}""");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task Invalid_UTF_8_in_a_body_is_reported_as_invalid_UTF_8()
    {
        var user = ApiTestKit.NewId("utf");
        byte[] body = [.. Encoding.UTF8.GetBytes($$"""{"userId":"{{user}}","itemId":"a"""), 0xFF, 0xC3, .. Encoding.UTF8.GetBytes("\",\"type\":\"view\"}")];
        var response = await Http.PostAsync("/api/v1/events", new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } });
        var problem = await response.AssertValidationProblemAsync("itemId");
        var reason = problem.GetProperty("errors").GetProperty("itemId")[0].GetString()!;
        Assert.Contains("UTF-8", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("surrogate", reason, StringComparison.Ordinal);
        await Http.AssertUserUnknownAsync(user);

        // An escaped lone surrogate is still named as such.
        var escaped = await Http.PostRawAsync("/api/v1/events", $$"""{"userId":"{{user}}","itemId":"a\ud800","type":"view"}""");
        Assert.Contains("surrogate", (await escaped.AssertValidationProblemAsync("itemId")).GetProperty("errors").GetProperty("itemId")[0].GetString(), StringComparison.Ordinal);
    }

    private static void AssertProblem(RawAnswer answer, int status)
    {
        Assert.True(answer.ContentType?.StartsWith("application/problem+json", StringComparison.Ordinal) == true, answer.ToString());
        Assert.Equal(status, JsonDocument.Parse(answer.Body).RootElement.GetProperty("status").GetInt32());
    }
}
