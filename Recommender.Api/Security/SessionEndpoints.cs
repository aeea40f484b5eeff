using Microsoft.AspNetCore.Http.HttpResults;
using Recommender.Api.Validation;

namespace Recommender.Api.Security;

/// <summary>
/// Browser sign-in: <c>POST /api/v1/session</c> with a key (JSON <c>{ "key" }</c> or a form field
/// <c>key</c>) sets the session cookie (<see cref="SessionTickets"/>); <c>GET</c> says who is
/// calling, with which scopes, and hands the page its CSRF token; <c>DELETE</c> signs out. The
/// routes are open (<see cref="ApiScopes.Required(string, Microsoft.AspNetCore.Routing.Patterns.RoutePattern)"/>):
/// signing in is how a browser gets a key's rights.
/// </summary>
public static class SessionEndpoints
{
    public const string Path = "/api/v1/session";

    private const string UnauthorizedType = "https://tools.ietf.org/html/rfc9110#section-15.5.2";

    public sealed record SignInRequest(string? Key);

    /// <param name="Authenticated">A key (header or session) authenticates the caller.</param>
    /// <param name="KeysRequired">Outside Development: without a key only open routes answer.</param>
    /// <param name="Name">The key's name.</param>
    /// <param name="Scopes">What the caller may do (every scope where keys are not required).</param>
    /// <param name="Via"><c>session</c> (the cookie) or <c>key</c> (the X-Api-Key header).</param>
    /// <param name="CsrfToken">With a session: send it in X-CSRF-Token on every request that changes something.</param>
    /// <param name="ExpiresAt">With a session: when it ends.</param>
    public sealed record SessionInfo(bool Authenticated, bool KeysRequired, string? Name, IReadOnlyList<string> Scopes,
        string? Via, string? CsrfToken, DateTimeOffset? ExpiresAt);

    public static IEndpointRouteBuilder MapSessionApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup(Path).WithTags("Session");
        group.MapPost("/", SignIn).WithName("SignIn")
            .WithSummary("Sign a browser in with an API key: sets an HTTP-only, SameSite=Strict session cookie")
            .WithDescription("JSON `{ \"key\": \"...\" }` or a form with `key` (and optionally `returnUrl`, a local path to redirect to). " +
                             "204 and the cookie; 401 for a wrong key; 429 past the sign-in attempts allowed per address.")
            .Accepts<SignInRequest>("application/json", "application/x-www-form-urlencoded")
            .Produces(302).ProducesProblem(401).ProducesProblem(403).ProducesProblem(415).ProducesProblem(429);
        group.MapGet("/", WhoAmI).WithName("GetSession")
            .WithSummary("Who is calling: the key's name, its scopes, and with a session its CSRF token")
            .ProducesProblem(401);
        group.MapDelete("/", SignOut).WithName("SignOut")
            .WithSummary("Sign out: ends the session and deletes the cookie (needs the CSRF token when signed in)")
            .ProducesProblem(403);
        return routes;
    }

    private static async Task<Results<NoContent, RedirectHttpResult, ValidationProblem, ProblemHttpResult>> SignIn(HttpContext http, SessionTickets sessions, SecuritySettings settings, ILoggerFactory logs, CancellationToken cancellationToken)
    {
        var log = logs.CreateLogger("Recommender.Security");
        var remote = http.Connection.RemoteIpAddress;
        http.Response.Headers.CacheControl = "no-store";
        // Login CSRF: another site must not sign a visitor in with the attacker's key.
        if (!FromThisOrigin(http.Request))
            return TypedResults.Problem(statusCode: 403, title: "Sign-in from another site is refused.",
                detail: "Sign in from this service's own page.");

        using (var lease = sessions.AcquireSignIn(remote))
        {
            if (!lease.IsAcquired)
            {
                var wait = lease.TryGetMetadata(System.Threading.RateLimiting.MetadataName.RetryAfter, out var retryAfter) ? retryAfter : sessions.SignInWindow;
                var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
                http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                log.LogWarning("Sign-in attempts from {RemoteIp} reached their limit", remote);
                return TypedResults.Problem(statusCode: 429, type: "https://tools.ietf.org/html/rfc6585#section-4",
                    title: "Too many sign-in attempts.", detail: $"This address may try again after {seconds} s.");
            }
        }

        string? key = null, returnUrl = null;
        var errors = new ValidationErrors();
        if (http.Request.HasFormContentType)
        {
            var form = await http.Request.ReadFormAsync(cancellationToken);
            if (form["key"].Count == 1) key = form["key"][0];
            else errors.Add("key", form["key"].Count == 0 ? "key is required." : "key must be sent once.");
            returnUrl = form["returnUrl"].Count == 1 ? form["returnUrl"][0] : null;
        }
        else if (http.Request.HasJsonContentType())
        {
            var (document, problem) = await JsonBody.ReadAsync(http.Request, cancellationToken);
            if (problem is not null) return problem;
            using (document)
            {
                if (document!.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object) key = JsonBody.String(document.RootElement, "key", "key", errors);
                else errors.Add("body", "The body must be an object: { \"key\": \"...\" }.");
            }
        }
        else
        {
            return TypedResults.Problem(statusCode: 415, title: "Send the key as JSON or as a form.",
                detail: "Content-Type application/json ({ \"key\": \"...\" }) or application/x-www-form-urlencoded (key=...).");
        }
        if (!errors.Any && string.IsNullOrWhiteSpace(key)) errors.Add("key", "key is required.");
        if (errors.Any) return errors.ToResult();

        // A wrong key learns nothing: not whether it is close, not which keys exist.
        var identity = settings.Find(key!.Trim());
        if (identity is null)
        {
            log.LogInformation("Refused a sign-in with an unknown API key from {RemoteIp}", remote);
            return TypedResults.Problem(statusCode: 401, type: UnauthorizedType, title: "The API key is not valid.");
        }

        var (cookie, session) = sessions.Issue(identity);
        http.Response.Cookies.Append(SessionTickets.CookieName, cookie, sessions.CookieOptions(http.Request));
        log.LogInformation("API key {KeyName} signed in from {RemoteIp}; the session ends at {Expires:u}", identity.Name, remote, session.Expires);
        return LocalPath(returnUrl) is { } back ? TypedResults.Redirect(back) : TypedResults.NoContent();
    }

    private static Results<Ok<SessionInfo>, ChallengeHttpResult> WhoAmI(HttpContext http, SecuritySettings settings)
    {
        // The answer holds the CSRF token: never cached, never shared.
        http.Response.Headers.CacheControl = "no-store";
        var session = http.SignedInSession();
        if (http.User.Identity is { IsAuthenticated: true, Name: { } name })
        {
            var scopes = ApiScopes.All.Where(s => http.User.HasClaim(ApiKeyAuthenticationHandler.ScopeClaim, s)).ToArray();
            return TypedResults.Ok(new SessionInfo(true, settings.Enforced, name, scopes, session is null ? "key" : "session", session?.CsrfToken, session?.Expires));
        }
        // The 401 problem of the key scheme (it says why: no key, a wrong one, an expired session).
        if (settings.Enforced) return TypedResults.Challenge();
        return TypedResults.Ok(new SessionInfo(false, false, null, ApiScopes.All, null, null, null));
    }

    private static NoContent SignOut(HttpContext http, SessionTickets sessions, ILoggerFactory logs)
    {
        if (http.SignedInSession() is { } session)
        {
            sessions.Revoke(session);
            logs.CreateLogger("Recommender.Security").LogInformation("API key {KeyName} signed out from {RemoteIp}", session.Key.Name, http.Connection.RemoteIpAddress);
        }
        http.Response.Cookies.Delete(SessionTickets.CookieName, sessions.CookieOptions(http.Request));
        return TypedResults.NoContent();
    }

    /// <summary>
    /// The browser's own word (<c>Sec-Fetch-Site</c>) when it gives one, else <c>Origin</c> against the
    /// host asked; a client that sends neither (curl, a script) is no browser another site drives.
    /// </summary>
    private static bool FromThisOrigin(HttpRequest request)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0) return site is "same-origin" or "none";
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0) return true;
        return Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A path on this site (<c>/dashboard/</c>), never another site (<c>//evil.example</c>, <c>/\evil</c>, <c>https://…</c>).</summary>
    private static string? LocalPath(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) && !url.Any(char.IsControl)
            ? url : null;
}
