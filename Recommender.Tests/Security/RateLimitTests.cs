using System.Net;
using System.Text.Json;

namespace Recommender.Tests.Security;

/// <summary>
/// Per-key fixed windows (per remote address without a key): over the limit a call is a 429
/// problem with Retry-After; other keys and the health probes are not affected. With
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
        // Probes are never throttled.
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/health/live")).StatusCode);
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
}
