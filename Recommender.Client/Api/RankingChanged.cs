namespace Recommender.Client.Api;

/// <summary>
/// The hub's <c>rankingChanged</c> message; also what <c>Watch</c> returns (then with an empty diff
/// and no cause).
/// </summary>
/// <param name="UserId">The watched user.</param>
/// <param name="Items">The ranking now.</param>
/// <param name="Diff">What changed since the previous push; empty for a watch's answer.</param>
/// <param name="Cause">The event that caused it; null for a watch's answer or a model swap.</param>
/// <param name="ModelVersion">The model that ranked it (null: popularity).</param>
/// <param name="ComputedAt">When the server ranked it.</param>
/// <param name="RecommendationId">Names the pushed list: an event that carries it is attributed to it.</param>
/// <param name="Experiment">The running experiment the user is in; null outside one.</param>
/// <param name="Variant">The user's variant in <paramref name="Experiment"/> (<c>holdout</c> when held out).</param>
public sealed record RankingChanged(
    string UserId,
    IReadOnlyList<RecommendedItem> Items,
    RankingDiffDto? Diff,
    RankingCause? Cause,
    long? ModelVersion,
    DateTimeOffset? ComputedAt,
    string? RecommendationId = null,
    string? Experiment = null,
    string? Variant = null);

/// <summary>The change from the previously served ranking, as computed by the server.</summary>
public sealed record RankingDiffDto(
    IReadOnlyList<string>? Added,
    IReadOnlyList<string>? Removed,
    IReadOnlyList<RankMoveDto>? Moved);

/// <summary>An item that stayed in the list at another rank.</summary>
/// <param name="ItemId">The item.</param>
/// <param name="From">Its former rank.</param>
/// <param name="To">Its rank now.</param>
public sealed record RankMoveDto(string ItemId, int From, int To);

/// <summary>The event that caused a new ranking (absent for the initial ranking and for model swaps).</summary>
public sealed record RankingCause(string? Type, string? ItemId, double? Value, string? EventId, DateTimeOffset? Timestamp);
