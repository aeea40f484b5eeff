using Recommender.Api.Problems;
namespace Recommender.Api.Security;

/// <summary>
/// A request authenticated by the session cookie that may change something (any method but GET,
/// HEAD, OPTIONS, TRACE) must carry the session's CSRF token in <see cref="SessionTickets.CsrfHeader"/>,
/// which only a script of this origin can read (<c>GET /api/v1/session</c>): SameSite=Strict already
/// keeps the cookie off cross-site requests, the token also covers browsers and same-site origins
/// SameSite does not. A key sent in <c>X-Api-Key</c> needs no token — another site cannot make a
/// browser send a header. The hub is exempt: its negotiate POST and its invocations change no data
/// (<c>Watch</c> and <c>Unwatch</c> need only <c>read</c>) and its WebSocket opens with a GET. So is
/// signing in again (with another key) while signed in: the sign-in checks the request's origin.
/// </summary>
public static class SessionCsrf
{
    public static IApplicationBuilder UseSessionCsrf(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (http.SignedInSession() is { } session && !IsSafe(http.Request.Method)
            && !http.Request.Path.StartsWithSegments(ApiKeyAuthenticationHandler.HubPathPrefix, StringComparison.OrdinalIgnoreCase)
            && !(HttpMethods.IsPost(http.Request.Method) && http.Request.Path.Equals(SessionEndpoints.Path, StringComparison.OrdinalIgnoreCase))
            && !SessionTickets.CarriesCsrfToken(http.Request, session))
        {
            var missing = http.Request.Headers[SessionTickets.CsrfHeader].Count == 0;
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Recommender.Security")
                .LogInformation("Refused {Method} {Path} with the session of API key {KeyName}: CSRF token {Fault}",
                    http.Request.Method, http.Request.Path, session.Key.Name, missing ? "missing" : "wrong");
            await http.WriteProblemAsync(StatusCodes.Status403Forbidden,
                missing ? "The CSRF token is missing." : "The CSRF token is not valid.",
                $"A request signed in by cookie that changes something must send the session's token (GET /api/v1/session, csrfToken) in the '{SessionTickets.CsrfHeader}' header.",
                type: "https://tools.ietf.org/html/rfc9110#section-15.5.4");
            return;
        }
        await next(http);
    });

    private static bool IsSafe(string method) =>
        HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method);
}
