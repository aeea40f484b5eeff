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
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory loggerFactory, UrlEncoder encoder,
    SecuritySettings settings, IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";
    public const string QueryName = "access_token";
    public const string HubPathPrefix = "/hubs";
    public const string ScopeClaim = "scope";

    /// <summary>Set by the scope check for the 403 answer: which scope the call needed.</summary>
    internal const string RequiredScopeItem = "reco.security.requiredScope";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Presented(out var ambiguous);
        if (ambiguous) return Task.FromResult(AuthenticateResult.Fail("More than one API key was sent."));
        if (presented is null) return Task.FromResult(AuthenticateResult.NoResult());

        var identity = settings.Find(presented);
        if (identity is null)
        {
            Logger.LogInformation("Refused an unknown API key from {RemoteIp} for {Method} {Path}",
                Context.Connection.RemoteIpAddress, Request.Method, Request.Path);
            return Task.FromResult(AuthenticateResult.Fail("The API key is not valid."));
        }

        var claims = new List<Claim> { new(ClaimTypes.Name, identity.Name), new(ClaimTypes.NameIdentifier, identity.Name) };
        claims.AddRange(identity.Scopes.Select(s => new Claim(ScopeClaim, s)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, ClaimTypes.Name, ClaimTypes.Role));
        Logger.LogDebug("API key {KeyName} authenticated for {Method} {Path}", identity.Name, Request.Method, Request.Path);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
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
        var result = await HandleAuthenticateOnceSafeAsync();
        var invalid = result.Failure is not null;
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = $"{SchemeName} header=\"{HeaderName}\"";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = StatusCodes.Status401Unauthorized,
                Type = "https://tools.ietf.org/html/rfc9110#section-15.5.2",
                Title = invalid ? "The API key is not valid." : "An API key is required.",
                Detail = invalid
                    ? result.Failure!.Message
                    : $"Send a key with the '{HeaderName}' header (the hub also takes the '{QueryName}' query parameter).",
            },
        });
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var needed = Context.Items[RequiredScopeItem] as string;
        var name = Context.User.Identity?.Name;
        Logger.LogInformation("API key {KeyName} lacks scope {Scope} for {Method} {Path}", name, needed, Request.Method, Request.Path);
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
