namespace Recommender.Client.Api;

/// <summary><c>GET /api/v1/users/{userId}</c>.</summary>
public sealed record UserProfile(
    string UserId,
    DateTimeOffset? FirstSeen,
    DateTimeOffset? LastSeen,
    long TotalEvents,
    IReadOnlyDictionary<string, long>? Counts,
    IReadOnlyList<CategoryWeight>? TopCategories,
    IReadOnlyList<RecentEvent>? Recent);

/// <summary>A category the user leans to (or away from: a negative weight).</summary>
/// <param name="Category">The category.</param>
/// <param name="Weight">The signed taste.</param>
public sealed record CategoryWeight(string Category, double Weight);

/// <summary>One of the user's last events.</summary>
/// <param name="ItemId">The item.</param>
/// <param name="Type">One of <see cref="EventTypes"/>.</param>
/// <param name="Value">The rating or amount, when given.</param>
/// <param name="Timestamp">When it happened.</param>
public sealed record RecentEvent(string ItemId, string Type, double? Value, DateTimeOffset? Timestamp);
