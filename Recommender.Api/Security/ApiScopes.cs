using Microsoft.AspNetCore.Routing.Patterns;

namespace Recommender.Api.Security;

/// <summary>
/// The scopes a key can hold, and the one table that says which scope each route needs. Groups
/// that mix reads and writes use <see cref="ApiPolicies.ByRoute"/>, which asks this table; so does
/// the fallback policy, so a route nobody annotated is still protected (reads need <c>read</c>,
/// anything else <c>write</c>).
/// </summary>
public static class ApiScopes
{
    public const string Read = "read";
    public const string Write = "write";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Read, Write, Admin];

    /// <summary>The scope a call needs, or null for an open route (health, the OpenAPI document, the session).</summary>
    public static string? Required(string method, Endpoint? endpoint)
    {
        if (endpoint is null) return null; // nothing will run: the answer is a 404
        if (endpoint is not RouteEndpoint route) return IsRead(method) ? Read : Write;
        return Required(method, route.RoutePattern);
    }

    public static string? Required(string method, RoutePattern pattern)
    {
        var path = Normalize(pattern.RawText ?? "");
        if (Is(path, "/health") || Is(path, "/openapi") || Equal(path, "/api/v1/health")) return null;
        // Signing in is how a browser gets a key's rights; who-am-I and sign-out need none either.
        if (Equal(path, SessionEndpoints.Path)) return null;
        if (Is(path, "/dashboard")) return Admin;
        if (Equal(path, "/api/v1/users/{userId}") && HttpMethods.IsDelete(method)) return Admin;
        if (Equal(path, "/api/v1/users/{userId}/export")) return Admin;
        if (Is(path, "/api/v1/model") && !IsRead(method)) return Admin;
        // An experiment changes what every user is served; a declared winner becomes the default.
        if (Is(path, "/api/v1/experiments") && !IsRead(method)) return Admin;
        if (Equal(path, "/api/v1/recommend")) return Read; // the seed's read is a POST
        return IsRead(method) ? Read : Write;
    }

    /// <summary>A health probe's path (its own rate-limit window).</summary>
    public static bool IsProbe(PathString path) =>
        path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/api/v1/health", StringComparison.OrdinalIgnoreCase);

    private static bool IsRead(string method) => HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method);

    private static string Normalize(string raw)
    {
        var path = raw.StartsWith('/') ? raw : "/" + raw;
        return path.Length > 1 ? path.TrimEnd('/') : path;
    }

    private static bool Equal(string path, string route) => string.Equals(path, route, StringComparison.OrdinalIgnoreCase);

    /// <summary>The route itself or anything under it.</summary>
    private static bool Is(string path, string prefix) =>
        path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && (path.Length == prefix.Length || path[prefix.Length] == '/');
}
