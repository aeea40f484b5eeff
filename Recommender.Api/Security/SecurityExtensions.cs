using Recommender.Api.Problems;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Recommender.Api.Security;

/// <summary>
/// API keys with scopes (ASP.NET Core authentication + one authorization policy per scope),
/// per-key rate limits and CORS for the configured origins. See <see cref="SecurityOptions"/>.
/// </summary>
public static class SecurityExtensions
{
    public const string CorsPolicy = "configured-origins";

    public static WebApplicationBuilder AddRecommenderSecurity(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(SecurityOptions.Section).Get<SecurityOptions>() ?? new SecurityOptions();
        var settings = new SecuritySettings(options, builder.Environment.IsDevelopment());
        var services = builder.Services;
        services.AddSingleton(settings);

        // Sessions: the cookie is sealed by ASP.NET Core data protection; its key ring must be
        // shared by every API process behind one address (Security:Session:KeysDirectory).
        var protection = services.AddDataProtection().SetApplicationName("Recommender");
        if (!string.IsNullOrWhiteSpace(options.Session.KeysDirectory))
            protection.PersistKeysToFileSystem(new DirectoryInfo(options.Session.KeysDirectory));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<SessionTickets>();

        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddSingleton<IAuthorizationHandler, ScopeRequirementHandler>();
        var byRoute = new AuthorizationPolicyBuilder().AddRequirements(new ScopeRequirement(null)).Build();
        services.AddAuthorizationBuilder()
            .AddPolicy(ApiPolicies.Read, p => p.AddRequirements(new ScopeRequirement(ApiScopes.Read)))
            .AddPolicy(ApiPolicies.Write, p => p.AddRequirements(new ScopeRequirement(ApiScopes.Write)))
            .AddPolicy(ApiPolicies.Admin, p => p.AddRequirements(new ScopeRequirement(ApiScopes.Admin)))
            .AddPolicy(ApiPolicies.ByRoute, byRoute)
            // Whatever no group annotated (the dashboard, /popular, /metrics, a route added later) is still guarded.
            .SetFallbackPolicy(byRoute);

        if (options.CorsOrigins.Count > 0)
        {
            services.AddCors(o => o.AddPolicy(CorsPolicy, p => p
                .WithOrigins([.. options.CorsOrigins])
                .WithMethods(HttpMethods.Get, HttpMethods.Post, HttpMethods.Put, HttpMethods.Delete)
                .AllowAnyHeader()
                .AllowCredentials() // the SignalR browser client sends credentials by default
                .WithExposedHeaders("Retry-After", "WWW-Authenticate")
                .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));
        }

        if (settings.RateLimited)
        {
            // One set of windows for HTTP requests and hub invocations (see ApiRateLimiter).
            var limiter = new ApiRateLimiter(settings);
            services.AddSingleton(limiter);
            services.AddRateLimiter(o => ConfigureRateLimiter(o, settings, limiter));
            services.AddSingleton<HubRateLimitFilter>();
            services.Configure<HubOptions>(o => o.AddFilter<HubRateLimitFilter>());
        }

        // The hub's key may travel in the query string (access_token); request-start logs print
        // query strings at Information level, so they stay off wherever keys are in use.
        if (settings.Enforced) builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        return builder;
    }

    /// <summary>CORS, authentication, the rate limiter, the session's CSRF check, the static files, authorization — in that order.</summary>
    public static WebApplication UseRecommenderSecurity(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<SecuritySettings>();
        var options = settings.Options;
        if (options.CorsOrigins.Count > 0) app.UseCors(CorsPolicy);
        app.UseAuthentication();
        if (settings.RateLimited) app.UseRateLimiter();
        // After the limiter: a refused request still spends the caller's window.
        app.UseSessionCsrf();
        // The page's files come after the limiter (they count against the caller's window) and
        // before authorization (they are public: the page sends a browser without a session to signin.html).
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseAuthorization();

        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Recommender.Security");
        if (!settings.Enforced)
            log.LogInformation("API keys are not required ({Environment}); set Security:RequireApiKeys=true to require them", app.Environment.EnvironmentName);
        else if (settings.KeyCount == 0)
            log.LogWarning("API keys are required but none is configured (Security:ApiKeys): every call but health and the OpenAPI document will be refused");
        else
            log.LogInformation("API keys required: {Keys}; anonymous reads {AnonymousReads}",
                string.Join(", ", options.ApiKeys.Select(k => $"{k.Name} [{string.Join(' ', k.Scopes)}]")),
                options.AllowAnonymousReads ? "allowed" : "refused");
        if (settings.RateLimited)
            log.LogInformation("Rate limit per {Window}: {PermitLimit} requests (and hub calls) per key, {AnonymousPermitLimit} per anonymous IP address, {ProbePermitLimit} health probes per address",
                options.RateLimit.Window, options.RateLimit.PermitLimit, options.RateLimit.AnonymousPermitLimit, options.RateLimit.ProbePermitLimit);
        if (options.CorsOrigins.Count > 0) log.LogInformation("CORS origins: {Origins}", string.Join(", ", options.CorsOrigins));
        return app;
    }

    private static void ConfigureRateLimiter(RateLimiterOptions o, SecuritySettings settings, ApiRateLimiter limiter)
    {
        var limits = settings.Options.RateLimit;
        o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        o.GlobalLimiter = limiter.ForHttp();
        o.OnRejected = async (context, cancellationToken) =>
        {
            var http = context.HttpContext;
            var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : limits.Window;
            var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
            var who = http.User.Identity is { IsAuthenticated: true, Name: { } name } ? "key " + name : "address " + http.Connection.RemoteIpAddress;
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Recommender.Security")
                .LogInformation("Rate limit reached by {Caller} on {Method} {Path}", who, http.Request.Method, http.Request.Path);
            http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await http.WriteProblemAsync(StatusCodes.Status429TooManyRequests, "Too many requests.",
                $"The rate limit of this {(who.StartsWith("key", StringComparison.Ordinal) ? "API key" : "address")} was reached; retry after {seconds} s.",
                type: "https://tools.ietf.org/html/rfc6585#section-4");
        };
    }
}
