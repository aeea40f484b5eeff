using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Recommender.Api.Security;

/// <summary>
/// The <c>ApiKey</c> scheme: a key in the <c>X-Api-Key</c> header — or, for the SignalR hub only,
/// where browsers cannot set headers, in the <c>access_token</c> query parameter or an
/// <c>Authorization: Bearer</c> header. A valid key becomes a principal named after the key, with
/// one <c>scope</c> claim per scope. Logs name the key, never show it.
/// <para>
/// Without a key, a browser's session cookie (<see cref="SessionTickets"/>, set by signing in with
/// a key) stands for its key: the same name — so the same rate-limit window — and the key's
/// current scopes. A key sent in a header wins over the cookie (and needs no CSRF token).
/// </para>
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory loggerFactory, UrlEncoder encoder,
    SecuritySettings settings, SessionTickets sessions, IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";
    public const string QueryName = "access_token";
    public const string HubPathPrefix = "/hubs";
    public const string ScopeClaim = "scope";

    /// <summary>Where a browser signs in (<c>wwwroot/signin.html</c>).</summary>
    public const string SignInPage = "/signin.html";

    /// <summary>Browser pages behind a key: a navigation to them without one goes to the sign-in page, not to a bare 401.</summary>
    public static readonly string[] SignInPaths = ["/dashboard"];

    /// <summary>Set by the scope check for the 403 answer: which scope the call needed.</summary>
    internal const string RequiredScopeItem = "reco.security.requiredScope";

    private const string SessionFailedItem = "reco.security.sessionFailed";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Presented(out var ambiguous);
        if (ambiguous) return Task.FromResult(AuthenticateResult.Fail("More than one API key was sent."));
        if (presented is null) return Task.FromResult(FromSession());

        var identity = settings.Find(presented);
        if (identity is null)
        {
            Logger.LogInformation("Refused an unknown API key from {RemoteIp} for {Method} {Path}",
                Context.Connection.RemoteIpAddress, Request.Method, Request.Path);
            return Task.FromResult(AuthenticateResult.Fail("The API key is not valid."));
        }

        Logger.LogDebug("API key {KeyName} authenticated for {Method} {Path}", identity.Name, Request.Method, Request.Path);
        return Task.FromResult(Success(identity));
    }

    private AuthenticateResult FromSession()
    {
        if (!Request.Cookies.TryGetValue(SessionTickets.CookieName, out var cookie) || string.IsNullOrEmpty(cookie)) return AuthenticateResult.NoResult();
        var session = sessions.Read(cookie);
        if (session is null)
        {
            Context.Items[SessionFailedItem] = true;
            Logger.LogInformation("Refused an expired, signed-out or unknown session from {RemoteIp} for {Method} {Path}",
                Context.Connection.RemoteIpAddress, Request.Method, Request.Path);
            return AuthenticateResult.Fail("The session has expired or was signed out; sign in again.");
        }
        Context.Features.Set(session);
        Logger.LogDebug("Session of API key {KeyName} authenticated for {Method} {Path}", session.Key.Name, Request.Method, Request.Path);
        return Success(session.Key);
    }

    private static AuthenticateResult Success(ApiKeyIdentity identity)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, identity.Name), new(ClaimTypes.NameIdentifier, identity.Name) };
        claims.AddRange(identity.Scopes.Select(s => new Claim(ScopeClaim, s)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, ClaimTypes.Name, ClaimTypes.Role));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    /// <summary>A browser opening a page (not a script calling the API): a GET that accepts HTML.</summary>
    private bool IsPageNavigation() =>
        (HttpMethods.IsGet(Request.Method) || HttpMethods.IsHead(Request.Method))
        && Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase)
        && SignInPaths.Any(p => Request.Path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase));

    /// <summary>To the sign-in page, which comes back here afterwards (<paramref name="scope"/>: the scope the current key lacks).</summary>
    private void RedirectToSignIn(string? scope)
    {
        var back = Request.PathBase + Request.Path + Request.QueryString;
        var query = "?returnUrl=" + Uri.EscapeDataString(back) + (scope is null ? "" : "&scope=" + Uri.EscapeDataString(scope));
        Response.Redirect(Request.PathBase + SignInPage + query);
    }

    private string? Presented(out bool ambiguous)
    {
        ambiguous = false;
        var header = Request.Headers[HeaderName];
        if (header.Count > 1) { ambiguous = true; return null; }
        if (header.Count == 1 && !string.IsNullOrEmpty(header[0])) return header[0]!.Trim();
        if (!Request.Path.StartsWithSegments(HubPathPrefix, StringComparison.OrdinalIgnoreCase)) return null;

        var query = Request.Query[QueryName];
        if (query.Count > 1) { ambiguous = true; return null; }
        if (query.Count == 1 && !string.IsNullOrEmpty(query[0])) return query[0];
        var authorization = Request.Headers.Authorization;
        if (authorization.Count == 1 && authorization[0] is { } value && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return value["Bearer ".Length..].Trim();
        return null;
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (IsPageNavigation()) { RedirectToSignIn(null); return; }
        var result = await HandleAuthenticateOnceSafeAsync();
        var invalid = result.Failure is not null;
        var session = Context.Items.ContainsKey(SessionFailedItem);
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = $"{SchemeName} header=\"{HeaderName}\"";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = StatusCodes.Status401Unauthorized,
                Type = "https://tools.ietf.org/html/rfc9110#section-15.5.2",
                Title = invalid ? (session ? "The session is not valid." : "The API key is not valid.") : "An API key is required.",
                Detail = invalid
                    ? result.Failure!.Message
                    : $"Send a key with the '{HeaderName}' header (the hub also takes the '{QueryName}' query parameter), or sign in at {SignInPage}.",
            },
        });
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var needed = Context.Items[RequiredScopeItem] as string;
        var name = Context.User.Identity?.Name;
        Logger.LogInformation("API key {KeyName} lacks scope {Scope} for {Method} {Path}", name, needed, Request.Method, Request.Path);
        // Signed in with a key that lacks the scope (a reader opening the dashboard): sign in with another.
        if (IsPageNavigation()) { RedirectToSignIn(needed); return; }
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = StatusCodes.Status403Forbidden,
                Type = "https://tools.ietf.org/html/rfc9110#section-15.5.4",
                Title = "The API key lacks the scope this call needs.",
                Detail = needed is null ? $"Key '{name}' may not make this call." : $"This call needs the '{needed}' scope; key '{name}' does not have it.",
            },
        });
    }
}
