using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Recommender.Api.Security;

namespace Recommender.Tests.Security;

/// <summary>Production keys plus a key with a tiny budget, a one-minute window, and 5 sign-in attempts per address and minute.</summary>
public sealed class SessionServer : SecuredServer
{
    public const string BudgetKey = "budget-key-7c2e9a4f1b3d5e60";
    public const int BudgetPermits = 5;
    public const int SignInPermits = 5;

    protected override IDictionary<string, string> ExtraSettings => new Dictionary<string, string>
    {
        ["Security:RateLimit:Window"] = "00:01:00",
        ["Security:ApiKeys:3:Name"] = "budget",
        ["Security:ApiKeys:3:Key"] = BudgetKey,
        ["Security:ApiKeys:3:Scopes:0"] = "read",
        ["Security:ApiKeys:3:PermitLimit"] = BudgetPermits.ToString(),
        ["Security:Session:SignInPermitLimit"] = SignInPermits.ToString(),
        ["Security:Session:SignInWindow"] = "00:01:00",
    };
}

/// <summary>
/// Browser sign-in (issue #11 item 7): a key posted to <c>/api/v1/session</c> becomes an HTTP-only,
/// SameSite=Strict cookie with the key's scopes and rate limit; changes made with the cookie need
/// the session's CSRF token; a wrong key learns nothing; sign-in attempts are limited per address;
/// sign-out ends the session. Each test calls from its own loopback address (127.0.0.x), so the
/// per-address windows of one test never meet another's.
/// </summary>
public sealed class SessionTests(SessionServer fixture) : IClassFixture<SessionServer>
{
    private const string R = SecuredServer.ReadKey, W = SecuredServer.WriteKey, A = SecuredServer.AdminKey;

    /// <summary>A client whose connections come from <paramref name="source"/> (any 127.0.0.0/8 address reaches the server's 127.0.0.1), keeping cookies, not following redirects.</summary>
    private HttpClient From(string source, CookieContainer? cookies = null) =>
        new(new SocketsHttpHandler
        {
            CookieContainer = cookies ?? new CookieContainer(),
            AllowAutoRedirect = false,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        })
        { BaseAddress = fixture.Server.BaseAddress };

    private static Task<HttpResponseMessage> SignInAsync(HttpClient http, string key) =>
        http.PostAsJsonAsync("/api/v1/session", new { key });

    private static async Task<JsonElement> SessionAsync(HttpClient http)
    {
        var response = await http.GetAsync("/api/v1/session");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /api/v1/session: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string what)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{what}: expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain(R, text); Assert.DoesNotContain(W, text); Assert.DoesNotContain(A, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static HttpRequestMessage EventRequest(string user, string? csrf = null, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events")
        {
            Content = JsonContent.Create(new { userId = user, itemId = "session-item", type = "view", eventId = Guid.NewGuid().ToString("N") }),
        };
        if (csrf is not null) request.Headers.Add(SessionTickets.CsrfHeader, csrf);
        if (key is not null) request.Headers.Add("X-Api-Key", key);
        return request;
    }

    [Fact]
    public async Task Signing_in_sets_an_http_only_strict_cookie_that_stands_for_the_key_not_the_key_itself()
    {
        using var http = From("127.0.0.11");
        var response = await SignInAsync(http, W);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var setCookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        var attributes = setCookie.Split(';', StringSplitOptions.TrimEntries).Skip(1).Select(a => a.ToLowerInvariant()).ToArray();
        Assert.StartsWith(SessionTickets.CookieName + "=", setCookie);
        Assert.Contains("httponly", attributes);
        Assert.Contains("samesite=strict", attributes);
        Assert.Contains("path=/", attributes);
        Assert.DoesNotContain("secure", attributes); // plain http to loopback: a Secure cookie would never come back
        Assert.DoesNotContain(attributes, a => a.StartsWith("expires") || a.StartsWith("max-age")); // ends with the browser session
        var value = setCookie[(SessionTickets.CookieName.Length + 1)..setCookie.IndexOf(';')];
        Assert.DoesNotContain(W, value);
        Assert.DoesNotContain("event-writer", Encoding.UTF8.GetString(Convert.FromBase64String(Pad(value.Replace('-', '+').Replace('_', '/')))));
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());

        var session = await SessionAsync(http);
        Assert.True(session.GetProperty("authenticated").GetBoolean());
        Assert.True(session.GetProperty("keysRequired").GetBoolean());
        Assert.Equal("event-writer", session.GetProperty("name").GetString());
        Assert.Equal(new[] { "write" }, session.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()!));
        Assert.Equal("session", session.GetProperty("via").GetString());
        Assert.True(session.GetProperty("csrfToken").GetString()!.Length >= 32);

        // The same question with the key in the header: who, not a session.
        using var keyed = fixture.Client(A);
        var admin = await keyed.GetFromJsonAsync<JsonElement>("/api/v1/session");
        Assert.Equal("operator", admin.GetProperty("name").GetString());
        Assert.Equal(new[] { "read", "write", "admin" }, admin.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()!));
        Assert.Equal("key", admin.GetProperty("via").GetString());
        Assert.Equal(JsonValueKind.Null, admin.GetProperty("csrfToken").ValueKind);

        // A form (the page without JavaScript) goes back to a local returnUrl, never to another site.
        using var form = From("127.0.0.11");
        var back = await form.PostAsync("/api/v1/session", new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = A, ["returnUrl"] = "/dashboard/" }));
        Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
        Assert.Equal("/dashboard/", back.Headers.Location?.OriginalString);
        var away = await form.PostAsync("/api/v1/session", new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = A, ["returnUrl"] = "//evil.example/" }));
        Assert.Equal(HttpStatusCode.NoContent, away.StatusCode);

        static string Pad(string base64) => base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');
    }

    [Fact]
    public async Task A_wrong_key_is_a_401_problem_that_says_nothing_more()
    {
        using var http = From("127.0.0.12");
        foreach (var wrong in new[] { "not-a-key-but-long-enough", R[..^1] + "x", R + " extra" })
        {
            var response = await SignInAsync(http, wrong);
            var problem = await ProblemAsync(response, HttpStatusCode.Unauthorized, $"sign-in with '{wrong}'");
            Assert.Equal("The API key is not valid.", problem.GetProperty("title").GetString());
            Assert.False(problem.TryGetProperty("detail", out _), problem.ToString());
            Assert.DoesNotContain(wrong, problem.ToString());
            Assert.False(response.Headers.Contains("Set-Cookie"));
        }
        // Still nobody: the session question is a 401 too.
        await ProblemAsync(await http.GetAsync("/api/v1/session"), HttpStatusCode.Unauthorized, "GET /api/v1/session after wrong keys");
        // No key at all is a malformed request, not a guess.
        await ProblemAsync(await http.PostAsJsonAsync("/api/v1/session", new { }), HttpStatusCode.BadRequest, "sign-in without a key");
    }

    [Fact]
    public async Task Sign_in_attempts_are_limited_per_address()
    {
        using var guesser = From("127.0.0.13");
        for (var i = 0; i < SessionServer.SignInPermits; i++)
            await ProblemAsync(await SignInAsync(guesser, $"guess-{i}-of-the-admin-key"), HttpStatusCode.Unauthorized, $"guess {i}");
        // Over the limit even the right key is refused: the window counts attempts, not failures.
        var refused = await SignInAsync(guesser, A);
        var problem = await ProblemAsync(refused, HttpStatusCode.TooManyRequests, "the attempt past the limit");
        Assert.Equal("Too many sign-in attempts.", problem.GetProperty("title").GetString());
        Assert.True(int.Parse(Assert.Single(refused.Headers.GetValues("Retry-After"))) is > 0 and <= 60);
        Assert.False(refused.Headers.Contains("Set-Cookie"));

        // Another address has its own window.
        using var other = From("127.0.0.14");
        Assert.Equal(HttpStatusCode.NoContent, (await SignInAsync(other, A)).StatusCode);
    }

    [Fact]
    public async Task With_the_cookie_a_change_needs_the_CSRF_token_and_a_key_header_needs_none()
    {
        var user = $"csrf-{Guid.NewGuid():N}"[..20];
        using var http = From("127.0.0.15");
        Assert.Equal(HttpStatusCode.NoContent, (await SignInAsync(http, W)).StatusCode);
        var token = (await SessionAsync(http)).GetProperty("csrfToken").GetString()!;

        var missing = await ProblemAsync(await http.SendAsync(EventRequest(user)), HttpStatusCode.Forbidden, "a POST with the cookie and no token");
        Assert.Equal("The CSRF token is missing.", missing.GetProperty("title").GetString());
        var wrong = await ProblemAsync(await http.SendAsync(EventRequest(user, csrf: token[..^2] + "xx")), HttpStatusCode.Forbidden, "a POST with a wrong token");
        Assert.Equal("The CSRF token is not valid.", wrong.GetProperty("title").GetString());
        var accepted = await http.SendAsync(EventRequest(user, csrf: token));
        Assert.True(accepted.StatusCode == HttpStatusCode.OK, await accepted.Content.ReadAsStringAsync());

        // The key in a header: no token needed, with or without the cookie beside it.
        using var keyed = fixture.Client(W);
        Assert.Equal(HttpStatusCode.OK, (await keyed.SendAsync(EventRequest(user))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(EventRequest(user, key: W))).StatusCode);

        // Only the three accepted events were applied.
        using var reader = fixture.Client(R);
        var profile = await reader.GetFromJsonAsync<JsonElement>($"/api/v1/users/{user}");
        Assert.Equal(3, profile.GetProperty("totalEvents").GetInt32());
    }

    [Fact]
    public async Task The_cookie_has_the_keys_scopes_and_spends_the_keys_rate_limit()
    {
        using var http = From("127.0.0.16");
        Assert.Equal(HttpStatusCode.NoContent, (await SignInAsync(http, SessionServer.BudgetKey)).StatusCode); // the address's window, not the key's
        var token = (await SessionAsync(http)).GetProperty("csrfToken").GetString()!;                        // 1 of the key's 5
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/v1/categories")).StatusCode);               // 2
        var scope = await ProblemAsync(await http.SendAsync(EventRequest("budget-user", csrf: token)), HttpStatusCode.Forbidden, "a write with a read key's session"); // 3
        Assert.Contains("'write'", scope.GetProperty("detail").GetString());
        using var keyed = fixture.Client(SessionServer.BudgetKey);
        Assert.Equal(HttpStatusCode.OK, (await keyed.GetAsync("/api/v1/categories")).StatusCode);              // 4, by header
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/v1/categories")).StatusCode);               // 5
        var limited = await ProblemAsync(await http.GetAsync("/api/v1/categories"), HttpStatusCode.TooManyRequests, "the 6th request of the window by cookie");
        Assert.Contains("API key", limited.GetProperty("detail").GetString());
        await ProblemAsync(await keyed.GetAsync("/api/v1/categories"), HttpStatusCode.TooManyRequests, "the 7th, by header");
    }

    [Fact]
    public async Task Signing_out_ends_the_session_also_for_a_copy_of_the_cookie()
    {
        var cookies = new CookieContainer();
        using var http = From("127.0.0.17", cookies);
        Assert.Equal(HttpStatusCode.NoContent, (await SignInAsync(http, R)).StatusCode);
        var token = (await SessionAsync(http)).GetProperty("csrfToken").GetString()!;
        var copy = cookies.GetCookies(fixture.Server.BaseAddress)[SessionTickets.CookieName]!.Value;

        // Sign-out changes something: the token is needed with the cookie.
        await ProblemAsync(await http.DeleteAsync("/api/v1/session"), HttpStatusCode.Forbidden, "sign-out without the token");
        using var signOut = new HttpRequestMessage(HttpMethod.Delete, "/api/v1/session");
        signOut.Headers.Add(SessionTickets.CsrfHeader, token);
        var response = await http.SendAsync(signOut);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var deleted = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith(SessionTickets.CookieName + "=;", deleted);
        Assert.Contains("expires=Thu, 01 Jan 1970", deleted, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(cookies.GetCookies(fixture.Server.BaseAddress));
        await ProblemAsync(await http.GetAsync("/api/v1/session"), HttpStatusCode.Unauthorized, "after sign-out");

        // Someone who copied the cookie before the sign-out: refused as well.
        using var replay = From("127.0.0.17");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/categories");
        request.Headers.Add("Cookie", $"{SessionTickets.CookieName}={copy}");
        var problem = await ProblemAsync(await replay.SendAsync(request), HttpStatusCode.Unauthorized, "the copied cookie after sign-out");
        Assert.Equal("The session is not valid.", problem.GetProperty("title").GetString());

        // A forged or altered cookie is nobody.
        using var forged = new HttpRequestMessage(HttpMethod.Get, "/api/v1/categories");
        forged.Headers.Add("Cookie", $"{SessionTickets.CookieName}={copy[..^4]}AAAA");
        await ProblemAsync(await replay.SendAsync(forged), HttpStatusCode.Unauthorized, "an altered cookie");
    }

    [Fact]
    public async Task The_hub_accepts_the_cookie()
    {
        var cookies = new CookieContainer();
        using (var http = From("127.0.0.18", cookies))
            Assert.Equal(HttpStatusCode.NoContent, (await SignInAsync(http, R)).StatusCode);
        var hubUrl = new Uri(fixture.Server.BaseAddress, "/hubs/recommendations");
        await using var hub = new HubConnectionBuilder().WithUrl(hubUrl, o => o.Cookies = cookies).Build();
        await hub.StartAsync();
        var current = await hub.InvokeAsync<JsonElement>("Watch", "session-hub-user", 5);
        Assert.Equal("session-hub-user", current.GetProperty("userId").GetString());

        // A write key's session lacks the hub's read scope.
        var writer = new CookieContainer();
        using (var http = From("127.0.0.18", writer))
            Assert.Equal(HttpStatusCode.NoContent, (await SignInAsync(http, W)).StatusCode);
        await using var refused = new HubConnectionBuilder().WithUrl(hubUrl, o => o.Cookies = writer).Build();
        var error = await Assert.ThrowsAnyAsync<HttpRequestException>(() => refused.StartAsync());
        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
    }

    [Fact]
    public async Task A_browser_opening_the_dashboard_is_sent_to_sign_in_until_its_key_is_an_admin_key()
    {
        static HttpRequestMessage Page(string path)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
            return request;
        }

        using var http = From("127.0.0.19");
        var anonymous = await http.SendAsync(Page("/dashboard/"));
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Equal("/signin.html?returnUrl=%2Fdashboard%2F", anonymous.Headers.Location?.OriginalString);
        // A script (no text/html) still gets the 401 problem.
        using var script = From("127.0.0.19");
        await ProblemAsync(await script.GetAsync("/dashboard/"), HttpStatusCode.Unauthorized, "the dashboard asked for by a script");

        Assert.Equal(HttpStatusCode.NoContent, (await SignInAsync(http, R)).StatusCode);
        var reader = await http.SendAsync(Page("/dashboard/"));
        Assert.Equal(HttpStatusCode.Redirect, reader.StatusCode);
        Assert.Equal("/signin.html?returnUrl=%2Fdashboard%2F&scope=admin", reader.Headers.Location?.OriginalString);

        Assert.Equal(HttpStatusCode.NoContent, (await SignInAsync(http, A)).StatusCode);
        var admin = await http.SendAsync(Page("/dashboard/"));
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Equal("text/html", admin.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Sign_in_from_another_site_is_refused()
    {
        using var http = From("127.0.0.20");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/session")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = A }),
        };
        request.Headers.Add("Origin", "https://evil.example");
        request.Headers.Add("Sec-Fetch-Site", "cross-site");
        var response = await http.SendAsync(request);
        await ProblemAsync(response, HttpStatusCode.Forbidden, "a sign-in posted by another site");
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }
}
