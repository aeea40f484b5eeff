namespace Recommender.Client.Api;

/// <summary>One interaction as posted to <c>POST /api/v1/events</c>.</summary>
/// <param name="Value">Required for <see cref="EventTypes.Rating"/> (1–5); ignored otherwise.</param>
/// <param name="Timestamp">Optional; the server uses "now" when absent.</param>
/// <param name="UserId">The user who acted (id rule: docs/API.md).</param>
/// <param name="ItemId">The item acted on; an unknown item is created without metadata.</param>
/// <param name="Type">One of <see cref="EventTypes"/>.</param>
/// <param name="EventId">
/// Idempotency key: an event id the user already has is acknowledged, not applied again. When null,
/// <see cref="RecommenderClient"/> assigns a fresh one before the first attempt (<see cref="WithEventId"/>),
/// so a retried request — by the resilience handler or by the caller's own loop — is never applied twice.
/// </param>
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
    string? RecommendationId = null)
{
    /// <summary>This event if it has an <see cref="EventId"/>; otherwise a copy with a new random one (32 hex digits).</summary>
    public InteractionEvent WithEventId() => EventId is null ? this with { EventId = NewEventId() } : this;

    /// <summary>A new random event id: a GUID as 32 hex digits, within the id rule.</summary>
    public static string NewEventId() => Guid.NewGuid().ToString("N");

    /// <summary>
    /// The batch with every event carrying an id (<see cref="WithEventId"/>); the same instance when all
    /// have one already, so a caller that retries a batch resends the same ids.
    /// </summary>
    public static IReadOnlyCollection<InteractionEvent> WithEventIds(IReadOnlyCollection<InteractionEvent> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        foreach (var e in batch)
        {
            if (e.EventId is null)
            {
                return batch.Select(x => x.WithEventId()).ToArray();
            }
        }

        return batch;
    }
}

/// <summary>Answer of <c>POST /api/v1/events</c>: every event is in the durable log.</summary>
/// <param name="Accepted">Events applied now.</param>
/// <param name="Duplicates">Events whose <c>eventId</c> the user already had: acknowledged, not applied again (a retry's resend).</param>
public sealed record EventsAccepted(int Accepted, int Duplicates);
