using Microsoft.AspNetCore.SignalR;
using Recommender.Api.Users;
using Recommender.Grains.Domain;

namespace Recommender.Api.Live;

/// <summary>
/// <c>/hubs/recommendations</c>: a browser watches users and receives <c>rankingChanged</c> after
/// every event of theirs, whichever silo their grain lives on.
/// </summary>
[Microsoft.AspNetCore.Authorization.Authorize(Policy = Security.ApiPolicies.Read)]
public sealed class RecommendationsHub(RankingPushRelay relay) : Hub
{
    public async Task<RankingChangedMessage> Watch(string userId, int k)
    {
        if (!Identifiers.IsValid(userId, out var reason)) throw new HubException($"userId {reason}.");
        if (k is < 1 or > UserEndpoints.MaxK) throw new HubException($"k must be between 1 and {UserEndpoints.MaxK}.");
        await Groups.AddToGroupAsync(Context.ConnectionId, RankingPushRelay.Group(userId));
        return await relay.WatchAsync(Context.ConnectionId, userId, k);
    }

    public async Task Unwatch(string userId)
    {
        if (!Identifiers.IsValid(userId, out var reason)) throw new HubException($"userId {reason}.");
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, RankingPushRelay.Group(userId));
        await relay.UnwatchAsync(Context.ConnectionId, userId);
    }

    public override Task OnDisconnectedAsync(Exception? exception) => relay.ConnectionClosedAsync(Context.ConnectionId);
}
