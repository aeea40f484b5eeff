namespace Recommender.Client.Api;

/// <summary>One interaction as posted to <c>POST /api/v1/events</c>.</summary>
/// <param name="Value">Required for <see cref="EventTypes.Rating"/> (1–5); ignored otherwise.</param>
/// <param name="Timestamp">Optional; the server uses "now" when absent.</param>
/// <param name="EventId">Optional idempotency key: an event id the user already has is acknowledged, not applied again.</param>
public sealed record InteractionEvent(
    string UserId,
    string ItemId,
    string Type,
    double? Value = null,
    DateTimeOffset? Timestamp = null,
    string? EventId = null);

/// <summary>Answer of <c>POST /api/v1/events</c>: every event is in the durable log.</summary>
public sealed record EventsAccepted(int Accepted, int Duplicates);
