namespace Recommender.Client.Api;

/// <summary>One ranked item in a recommendation list or a pushed ranking.</summary>
public sealed record RecommendedItem(
    int Rank,
    string ItemId,
    string? Title,
    IReadOnlyList<string>? Categories,
    double Score,
    string? Reason = null);

/// <summary><c>GET /api/v1/users/{userId}/recommendations</c>.</summary>
/// <param name="Strategy"><c>popular</c> (cold user) or <c>personal</c>.</param>
public sealed record Recommendations(
    string UserId,
    long? ModelVersion,
    string? Strategy,
    DateTimeOffset? ComputedAt,
    IReadOnlyList<RecommendedItem> Items);

/// <summary>Options of a recommendation request.</summary>
/// <param name="Category">Only items of this category.</param>
/// <param name="Exclude">Item ids never to return (beyond those the user already interacted with).</param>
/// <param name="Explain">Ask the server for a human reason per item.</param>
public sealed record RecommendationQuery(
    int K = 10,
    string? Category = null,
    IReadOnlyCollection<string>? Exclude = null,
    bool Explain = false);
