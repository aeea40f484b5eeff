namespace Recommender.Client.Api;

/// <summary>
/// The hub's <c>rankingChanged</c> message; also what <c>Watch</c> returns (then with an empty diff
/// and no cause).
/// </summary>
public sealed record RankingChanged(
    string UserId,
    IReadOnlyList<RecommendedItem> Items,
    RankingDiffDto? Diff,
    RankingCause? Cause,
    long? ModelVersion,
    DateTimeOffset? ComputedAt);

/// <summary>The change from the previously served ranking, as computed by the server.</summary>
public sealed record RankingDiffDto(
    IReadOnlyList<string>? Added,
    IReadOnlyList<string>? Removed,
    IReadOnlyList<RankMoveDto>? Moved);

public sealed record RankMoveDto(string ItemId, int From, int To);

/// <summary>The event that caused a new ranking (absent for the initial ranking and for model swaps).</summary>
public sealed record RankingCause(string? Type, string? ItemId, double? Value, string? EventId, DateTimeOffset? Timestamp);
