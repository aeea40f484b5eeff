using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace Recommender.Api.Security;

/// <summary>The authorization policies endpoints ask for.</summary>
public static class ApiPolicies
{
    public const string Read = "scope:read";
    public const string Write = "scope:write";
    public const string Admin = "scope:admin";
    /// <summary>The scope the route needs according to <see cref="ApiScopes.Required(string, Endpoint?)"/> (groups that mix reads and writes).</summary>
    public const string ByRoute = "scope:by-route";
}

/// <summary>Needs a scope: a fixed one, or (null) the one the route table names for the endpoint being called.</summary>
public sealed class ScopeRequirement(string? scope) : IAuthorizationRequirement
{
    public string? Scope { get; } = scope;
}

/// <summary>
/// Met when keys are not enforced (Development), when the route is open, when the call needs
/// only <c>read</c> and anonymous reads are allowed, or when the caller's key holds the scope.
/// </summary>
public sealed class ScopeRequirementHandler(SecuritySettings settings) : AuthorizationHandler<ScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        var http = context.Resource switch
        {
            HttpContext h => h,
            HubInvocationContext hub => hub.Context.GetHttpContext(),
            _ => null,
        };
        var scope = requirement.Scope ?? (http is null ? ApiScopes.Admin : ApiScopes.Required(http.Request.Method, http.GetEndpoint()));

        if (!settings.Enforced || scope is null
            || (scope == ApiScopes.Read && settings.Options.AllowAnonymousReads)
            || context.User.HasClaim(ApiKeyAuthenticationHandler.ScopeClaim, scope))
        {
            context.Succeed(requirement);
        }
        else if (http is not null)
        {
            http.Items[ApiKeyAuthenticationHandler.RequiredScopeItem] = scope;
        }
        return Task.CompletedTask;
    }
}
