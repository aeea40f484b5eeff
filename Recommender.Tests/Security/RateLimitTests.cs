using System.Net;
using System.Text.Json;

namespace Recommender.Tests.Security;

/// <summary>
/// Per-key fixed windows (per remote address without a key, on every route; health probes without
/// a key in a larger window of their own): over the limit a call is a 429 problem with Retry-After;
/// other keys are not affected; the OpenAPI document comes from a cache. With
/// AllowAnonymousReads a read needs no key, a write still does.
/// </summary>
public sealed class RateLimitTests(LimitedServer fixture) : IClassFixture<LimitedServer>
{
    [Fact]
    public async Task Over_the_limit_a_key_gets_429_with_Retry_After_and_other_keys_do_not()
    {
        using var reader = fixture.Client(SecuredServer.ReadKey);
        for (var i = 0; i < LimitedServer.PermitLimit; i++)
            Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/api/v1/popular?k=1")).StatusCode);

        var limited = await reader.GetAsync("/api/v1/popular?k=1");
        var text = await limited.Content.ReadAsStringAsync();
        Assert.True(limited.StatusCode == HttpStatusCode.TooManyRequests, $"expected 429, got {(int)limited.StatusCode}: {text}");
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        Assert.Equal(429, JsonDocument.Parse(text).RootElement.GetProperty("status").GetInt32());
        var retryAfter = limited.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter!.Value.TotalSeconds, 1, 60);

        // Another key has its own window (the admin key has its own, larger limit).
        using var admin = fixture.Client(SecuredServer.AdminKey);
        for (var i = 0; i < LimitedServer.PermitLimit + 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/popular?k=1")).StatusCode);
        // Probes with a key count against the key's window like anything else.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await reader.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task Anonymous_reads_are_allowed_and_limited_per_address_writes_still_need_a_key()
    {
        using var anonymous = fixture.Client(null);
        var write = await anonymous.PostAsync("/api/v1/events", new StringContent("""{"userId":"rl","itemId":"i","type":"view"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, write.StatusCode);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < LimitedServer.AnonymousPermitLimit + 2; i++) statuses.Add((await anonymous.GetAsync("/api/v1/popular?k=1")).StatusCode);
        // The refused write used one permit of the window too.
        Assert.Contains(HttpStatusCode.OK, statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        Assert.True(statuses.Count(s => s == HttpStatusCode.OK) <= LimitedServer.AnonymousPermitLimit);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task Every_anonymous_route_counts_probes_have_their_own_window_and_the_OpenAPI_document_is_cached()
    {
        var server = new LimitedServer(); // its own windows: the other tests' anonymous calls come from the same address
        await server.InitializeAsync();
        try
        {
            using var anonymous = server.Client(null);
            var first = await anonymous.GetAsync("/openapi/v1.json");
            var second = await anonymous.GetAsync("/openapi/v1.json");
            Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, second.StatusCode));
            Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
            Assert.NotNull(second.Headers.Age); // served by the output cache, not built again

            // The third permit of the minute goes to a page file; from then on every route refuses.
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/index.html")).StatusCode);
            foreach (var path in new[] { "/openapi/v1.json", "/index.html", "/no/such/path", "/api/v1/popular?k=1" })
                Assert.True((await anonymous.GetAsync(path)).StatusCode == HttpStatusCode.TooManyRequests, path);

            // Probes are counted apart, with a limit an orchestrator never reaches.
            for (var i = 0; i < 20; i++) Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);

            // A caller with a key reads the same cached document from its own window.
            using var reader = server.Client(SecuredServer.ReadKey);
            var keyed = await reader.GetAsync("/openapi/v1.json");
            Assert.Equal(HttpStatusCode.OK, keyed.StatusCode);
            Assert.NotNull(keyed.Headers.Age);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
