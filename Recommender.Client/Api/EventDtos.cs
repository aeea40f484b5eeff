namespace Recommender.Client.Api;

/// <summary>One interaction as posted to <c>POST /api/v1/events</c>.</summary>
/// <param name="Value">Required for <see cref="EventTypes.Rating"/> (1–5); ignored otherwise.</param>
/// <param name="Timestamp">Optional; the server uses "now" when absent.</param>
/// <param name="EventId">Optional idempotency key: an event id the user already has is acknowledged, not applied again.</param>
/// <param name="RecommendationId">
/// Optional attribution: the <see cref="Recommendations.RecommendationId"/> (or <see cref="RankingChanged.RecommendationId"/>)
/// of the list the user acted on. A positive event then counts for that list in the online metrics and
/// experiment results; without it the server attributes it to the newest list served within 30 minutes
/// that holds the item. Sent only when set.
/// </param>
public sealed record InteractionEvent(
    string UserId,
    string ItemId,
    string Type,
    double? Value = null,
    DateTimeOffset? Timestamp = null,
    string? EventId = null,
    string? RecommendationId = null);

/// <summary>Answer of <c>POST /api/v1/events</c>: every event is in the durable log.</summary>
public sealed record EventsAccepted(int Accepted, int Duplicates);
