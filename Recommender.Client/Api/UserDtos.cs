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

public sealed record CategoryWeight(string Category, double Weight);

public sealed record RecentEvent(string ItemId, string Type, double? Value, DateTimeOffset? Timestamp);
