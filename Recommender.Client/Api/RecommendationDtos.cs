using System.Text.Json;

namespace Recommender.Client.Api;

/// <summary>One ranked item in a recommendation list or a pushed ranking.</summary>
/// <param name="Rank">1-based position in the list.</param>
/// <param name="ItemId">The item.</param>
/// <param name="Title">Its title (the id until someone describes it).</param>
/// <param name="Categories">Its categories.</param>
/// <param name="Score">The ranking score (comparable within one list only).</param>
/// <param name="Reason">Why it is there, when <c>explain</c> was asked.</param>
/// <param name="Promotion">The promotion that placed the item (its reason is then "promoted"); null for an organic item.</param>
/// <param name="IsNew">Created recently and not in the last training (docs/API.md, Users: new items and exploration).</param>
/// <param name="Properties">The item's properties as the server sends them (a JSON object); null when it has none.</param>
public sealed record RecommendedItem(
    int Rank,
    string ItemId,
    string? Title,
    IReadOnlyList<string>? Categories,
    double Score,
    string? Reason = null,
    string? Promotion = null,
    bool IsNew = false,
    JsonElement? Properties = null);

/// <summary><c>GET /api/v1/users/{userId}/recommendations</c> (and <c>…/next</c>).</summary>
/// <param name="UserId">The user.</param>
/// <param name="ModelVersion">The model that ranked it (null: popularity).</param>
/// <param name="ComputedAt">When the server ranked it.</param>
/// <param name="Items">The list, best first.</param>
/// <param name="Strategy"><c>popular</c> (cold user) or <c>personal</c>.</param>
/// <param name="RecommendationId">
/// Names the list: <see cref="RecommenderClient.GetNextRecommendationsAsync"/> continues it without repeats,
/// and an event that carries it (<see cref="InteractionEvent.RecommendationId"/>) is attributed to it.
/// </param>
/// <param name="Experiment">The running experiment the user is in; null outside one.</param>
/// <param name="Variant">The user's variant in <paramref name="Experiment"/> (<c>holdout</c> when held out).</param>
public sealed record Recommendations(
    string UserId,
    long? ModelVersion,
    string? Strategy,
    DateTimeOffset? ComputedAt,
    IReadOnlyList<RecommendedItem> Items,
    string? RecommendationId = null,
    string? Experiment = null,
    string? Variant = null);

/// <summary>Options of a recommendation request.</summary>
/// <param name="K">How many items (1–100).</param>
/// <param name="Category">Only items of this category.</param>
/// <param name="Exclude">Item ids never to return (beyond those the user already interacted with).</param>
/// <param name="Explain">Ask the server for a human reason per item.</param>
public sealed record RecommendationQuery(
    int K = 10,
    string? Category = null,
    IReadOnlyCollection<string>? Exclude = null,
    bool Explain = false)
{
    /// <summary>An inline filter expression (docs/FILTERS.md), sent as <c>filter=</c>.</summary>
    public string? Filter { get; init; }

    /// <summary>A stored filter's name, sent as <c>filterName=</c> (with <see cref="Filter"/>: both must hold).</summary>
    public string? FilterName { get; init; }

    /// <summary>The filters' $parameters, name → value as typed on a URL (<c>param.&lt;name&gt;=</c>).</summary>
    public IReadOnlyDictionary<string, string>? Parameters { get; init; }

    /// <summary>Skip the first <c>Offset</c> items of the ranking (0–1000); ranks stay absolute.</summary>
    public int? Offset { get; init; }

    /// <summary>Rank recently served items last (true), or not (false); null: the server's default.</summary>
    public bool? Rotation { get; init; }

    /// <summary>The share of the list (0–1) given to new items; null: the server's default.</summary>
    public double? Exploration { get; init; }

    /// <summary>False sends <c>rules=false</c>: promotions and boosts are off for this request.</summary>
    public bool ApplyRules { get; init; } = true;
}
