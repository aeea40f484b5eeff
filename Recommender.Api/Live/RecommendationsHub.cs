using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Recommender.Api.Filters;
using Recommender.Api.Users;
using Recommender.Api.Validation;
using Recommender.Grains.Domain;
using Recommender.Grains.Live;
using Recommender.Grains.Rules;

namespace Recommender.Api.Live;

/// <summary>
/// <c>/hubs/recommendations</c>: a browser watches users and receives <c>rankingChanged</c> after
/// every event of theirs, whichever silo their grain lives on. <c>WatchFiltered</c> watches under a
/// filter (docs/FILTERS.md): the pushes of that watch are ranked under it. Every call counts against
/// the caller's rate limit (<see cref="Security.HubRateLimitFilter"/>); a connection watches at most
/// <see cref="LiveOptions.MaxWatchesPerConnection"/> users. Refusals are hub errors, never a disconnect.
/// </summary>
[Microsoft.AspNetCore.Authorization.Authorize(Policy = Security.ApiPolicies.Read)]
public sealed class RecommendationsHub(RankingPushRelay relay, ExperimentBroadcaster experiments, IGrainFactory grains) : Hub
{
    /// <summary>Watches the user's unfiltered ranking (replacing the connection's watch of that user, if any).</summary>
    public Task<RankingChangedMessage> Watch(string userId, int k) => WatchWith(userId, k, rules: null);

    /// <summary>
    /// Watches the user's ranking under a filter (SignalR does not overload hub methods by argument
    /// count, hence a second name). <paramref name="filter"/> is null (unfiltered), a string (an inline
    /// expression) or <c>{ filter?, filterName?, params? }</c> with <c>params</c> an object of named
    /// values, as the seed's <c>POST /api/v1/recommend</c> takes them. A filter that does not parse, an
    /// unknown stored filter or a missing $parameter is a hub error naming the field, the position and the reason.
    /// </summary>
    public async Task<RankingChangedMessage> WatchFiltered(string userId, int k, JsonElement? filter)
    {
        var rules = Rules(filter);
        if (rules?.FilterName is { } name)
        {
            var stored = (await grains.GetGrain<IRulesGrain>(RulesGrain.Key).Filters()).FirstOrDefault(f => f.Name == name);
            if (stored is null) throw new HubException($"filterName: No stored filter is named '{name}' (see GET /api/v1/filters).");
            var given = rules.Parameters is { } json ? Recommender.Rules.PropertyBag.FromJson(json) : Recommender.Rules.PropertyBag.Empty;
            if (Recommender.Rules.Filter.Parse(stored.Expression).Parameters.FirstOrDefault(p => !given.ContainsKey(p)) is { } missing)
                throw new HubException($"{FilterQuery.ParameterPrefix}{missing}: The filter '{name}' uses ${missing}: give it in params.");
        }
        return await WatchWith(userId, k, rules);
    }

    private async Task<RankingChangedMessage> WatchWith(string userId, int k, WatchRules? rules)
    {
        if (!Identifiers.IsValid(userId, out var reason)) throw new HubException($"userId {reason}.");
        if (k is < 1 or > UserEndpoints.MaxK) throw new HubException($"k must be between 1 and {UserEndpoints.MaxK}.");
        RankingChangedMessage current;
        try
        {
            current = await relay.WatchAsync(Context.ConnectionId, userId, k, rules);
        }
        catch (RuleException e)
        {
            throw new HubException($"{e.Field}: {e.Reason}");
        }
        // The connection closed while this call ran: its disconnect may have been handled before this
        // watch was recorded, which would then be renewed for nobody.
        if (Context.ConnectionAborted.IsCancellationRequested) await relay.ConnectionClosedAsync(Context.ConnectionId);
        return current;
    }

    /// <summary>The watch's rules from WatchFiltered's argument (null: unfiltered).</summary>
    /// <exception cref="HubException">Not a filter, or one that does not parse.</exception>
    private static WatchRules? Rules(JsonElement? argument)
    {
        if (argument is not { } value || value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined) return null;
        string? text = null, name = null;
        var parameters = new List<(string, string?)>();
        var errors = new ValidationErrors();
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                text = value.GetString();
                break;
            case JsonValueKind.Object:
                foreach (var p in value.EnumerateObject())
                {
                    switch (p.Name)
                    {
                        case "filter" when p.Value.ValueKind is JsonValueKind.String or JsonValueKind.Null: text = p.Value.GetString(); break;
                        case "filterName" or "filter_name" when p.Value.ValueKind is JsonValueKind.String or JsonValueKind.Null: name = p.Value.GetString(); break;
                        case "params" when p.Value.ValueKind == JsonValueKind.Object:
                            foreach (var bound in p.Value.EnumerateObject()) parameters.Add((bound.Name, bound.Value.GetRawText()));
                            break;
                        case "params" when p.Value.ValueKind == JsonValueKind.Null: break;
                        case "filter" or "filterName" or "filter_name": errors.Add(p.Name, $"{p.Name} must be a string."); break;
                        case "params": errors.Add("params", "params must be a JSON object of named values."); break;
                        default: errors.Add(p.Name, "Unknown field: a filter is { filter, filterName, params }."); break;
                    }
                }
                break;
            default:
                throw new HubException("filter must be null, an expression or { filter, filterName, params }.");
        }
        var query = FilterQuery.Read(text, name, parameters, errors);
        if (errors.Any) throw new HubException(errors.ToString());
        return WatchRules.Of(query.Filter, query.FilterName, query.Parameters);
    }

    public async Task Unwatch(string userId)
    {
        if (!Identifiers.IsValid(userId, out var reason)) throw new HubException($"userId {reason}.");
        await relay.UnwatchAsync(Context.ConnectionId, userId);
    }

    /// <summary>
    /// Joins the experiment's results: answers them now, then <c>experimentResults</c> arrives each
    /// time they change (checked every 2 s; <see cref="ExperimentBroadcaster"/>).
    /// </summary>
    public async Task<Grains.Experiments.ExperimentResults> WatchExperiment(string experimentId)
    {
        if (!FilterNames.IsValid(experimentId)) throw new HubException($"experimentId: {Experiments.ExperimentParser.IdRule}");
        return await experiments.WatchAsync(Context.ConnectionId, experimentId)
            ?? throw new HubException($"experimentId: No experiment has id '{experimentId}'.");
    }

    public Task UnwatchExperiment(string experimentId) => experiments.UnwatchAsync(Context.ConnectionId, experimentId);

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        experiments.ConnectionClosed(Context.ConnectionId);
        return relay.ConnectionClosedAsync(Context.ConnectionId);
    }
}
