using Microsoft.AspNetCore.SignalR;

namespace Recommender.Api.Live;

/// <summary>
/// Logs hub calls that failed unexpectedly. SignalR's dispatcher logs every failed call at Error
/// with its stack, refusals included (an invalid id, the watch cap, the rate limit): a flood of
/// refused calls became a flood of error logs. Its category is silenced in
/// <see cref="LiveExtensions.AddRecommenderLive"/>; this filter logs what is not a refusal.
/// </summary>
public sealed class HubErrorLogFilter(ILogger<RecommendationsHub> logger) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocation, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocation);
        }
        catch (Exception e) when (e is not HubException)
        {
            logger.LogError(e, "Hub method {Method} failed", invocation.HubMethodName);
            throw;
        }
    }
}
