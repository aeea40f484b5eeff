using Microsoft.AspNetCore.SignalR;
using Recommender.Api.Users;
using Recommender.Grains.Domain;

namespace Recommender.Api.Live;

/// <summary>
/// <c>/hubs/recommendations</c>: a browser watches users and receives <c>rankingChanged</c> after
/// every event of theirs, whichever silo their grain lives on. Every call counts against the
/// caller's rate limit (<see cref="Security.HubRateLimitFilter"/>); a connection watches at most
/// <see cref="LiveOptions.MaxWatchesPerConnection"/> users. Refusals are hub errors, never a disconnect.
/// </summary>
[Microsoft.AspNetCore.Authorization.Authorize(Policy = Security.ApiPolicies.Read)]
public sealed class RecommendationsHub(RankingPushRelay relay) : Hub
{
    public async Task<RankingChangedMessage> Watch(string userId, int k)
    {
        if (!Identifiers.IsValid(userId, out var reason)) throw new HubException($"userId {reason}.");
        if (k is < 1 or > UserEndpoints.MaxK) throw new HubException($"k must be between 1 and {UserEndpoints.MaxK}.");
        var current = await relay.WatchAsync(Context.ConnectionId, userId, k);
        // The connection closed while this call ran: its disconnect may have been handled before this
        // watch was recorded, which would then be renewed for nobody.
        if (Context.ConnectionAborted.IsCancellationRequested) await relay.ConnectionClosedAsync(Context.ConnectionId);
        return current;
    }

    public async Task Unwatch(string userId)
    {
        if (!Identifiers.IsValid(userId, out var reason)) throw new HubException($"userId {reason}.");
        await relay.UnwatchAsync(Context.ConnectionId, userId);
    }

    public override Task OnDisconnectedAsync(Exception? exception) => relay.ConnectionClosedAsync(Context.ConnectionId);
}
