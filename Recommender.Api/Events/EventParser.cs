using System.Text.Json;
using Recommender.Api.Validation;
using Recommender.Grains.Domain;

namespace Recommender.Api.Events;

/// <summary>An event as received, addressed to its user.</summary>
public readonly record struct IncomingEvent(string UserId, InteractionEvent Event);

/// <summary>Turns JSON event objects into validated events, naming each faulty field (<c>[3].value</c>).</summary>
public static class EventParser
{
    /// <summary>The largest amount a non-rating event may carry (a play count, a quantity).</summary>
    public const double MaxAmount = 1_000_000_000;
    private static readonly DateTimeOffset Earliest = DateTimeOffset.UnixEpoch;

    public static IncomingEvent? Parse(JsonElement element, string prefix, ValidationErrors errors, DateTimeOffset now,
        string userField = "userId", string itemField = "itemId", string typeField = "type", string recommendationField = "recommendationId")
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add(prefix.Length == 0 ? "body" : prefix.TrimEnd('.'), "An event must be a JSON object.");
            return null;
        }
        var before = errors.Total;
        var ok = true;
        var userId = JsonBody.String(element, userField, prefix + userField, errors);
        if (userId is not null) ok &= errors.Id(prefix + userField, userId);
        var itemId = JsonBody.String(element, itemField, prefix + itemField, errors);
        if (itemId is not null) ok &= errors.Id(prefix + itemField, itemId);

        var typeText = JsonBody.String(element, typeField, prefix + typeField, errors);
        EventType type = default;
        if (typeText is not null && !EventTypes.TryParse(typeText, out type))
        {
            errors.Add(prefix + typeField, $"{prefix + typeField} must be one of {string.Join(", ", EventTypes.Names)}.");
            ok = false;
        }

        var typeKnown = typeText is not null && EventTypes.TryParse(typeText, out _);
        var value = JsonBody.Number(element, "value", prefix + "value", errors);
        if (typeKnown && type == EventType.Rating)
        {
            if (value is null) { errors.Add(prefix + "value", $"{prefix}value is required for a rating."); ok = false; }
            else if (value < 1 || value > 5) { errors.Add(prefix + "value", $"{prefix}value must be between 1 and 5 for a rating."); ok = false; }
        }
        else if (typeKnown && value is { } amount && type != EventType.Dislike && (amount < 0 || amount > MaxAmount))
        {
            // On other kinds the value is an amount (plays, units bought…): it strengthens the evidence.
            errors.Add(prefix + "value", $"{prefix}value must be between 0 and {MaxAmount:N0} (an amount, such as a play count) for a {typeText?.ToLowerInvariant()}.");
            ok = false;
        }

        // A faulty timestamp adds its reason, which the final check below sees.
        var timestamp = Iso8601.Field(element, "timestamp", prefix + "timestamp", errors, Earliest, now.AddDays(1), "1970-01-01 and one day from now") ?? now;

        var eventId = JsonBody.String(element, "eventId", prefix + "eventId", errors, required: false);
        if (eventId is not null) ok &= errors.Id(prefix + "eventId", eventId);

        // The list the event answers (attribution): the recommendationId a served list carried.
        var recommendationId = JsonBody.String(element, recommendationField, prefix + recommendationField, errors, required: false);
        if (recommendationId is not null && (recommendationId.Length is 0 or > 64 || !recommendationId.All(char.IsAsciiLetterOrDigit)))
        {
            errors.Add(prefix + recommendationField, $"{prefix}{recommendationField} is the id a served list carried (1–64 letters and digits).");
            ok = false;
        }

        if (!ok || errors.Total != before || userId is null || itemId is null || typeText is null) return null;
        return new IncomingEvent(userId, new InteractionEvent
        {
            ItemId = itemId,
            Type = type,
            Value = type == EventType.Dislike ? 0f : (float)(value ?? 0),
            Timestamp = timestamp.ToUnixTimeMilliseconds(),
            EventId = eventId,
            RecommendationId = recommendationId,
        });
    }
}
