using System.Threading.RateLimiting;
using Microsoft.AspNetCore.SignalR;

namespace Recommender.Api.Security;

/// <summary>
/// Every hub invocation takes a permit from the caller's rate-limit window, the one its HTTP
/// requests use. Over the limit the call fails with a <see cref="HubException"/> naming the limit
/// and the wait; the connection stays open (a disconnect would only make the client reconnect,
/// which costs more than the refused call).
/// </summary>
public sealed class HubRateLimitFilter(ApiRateLimiter limiter, ILogger<HubRateLimitFilter> logger) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocation, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var caller = invocation.Context;
        var partition = limiter.PartitionOf(caller.User, caller.GetHttpContext()?.Connection.RemoteIpAddress);
        using (var lease = limiter.Acquire(partition))
        {
            if (!lease.IsAcquired)
            {
                var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : limiter.Window;
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                var who = caller.User?.Identity is { IsAuthenticated: true, Name: { } name } ? "API key " + name : "this address";
                logger.LogInformation("Rate limit reached by {Caller} on hub method {Method}", who, invocation.HubMethodName);
                throw new HubException($"The rate limit of {who} was reached; {invocation.HubMethodName} refused, retry after {seconds} s.");
            }
        }
        return await next(invocation);
    }
}
