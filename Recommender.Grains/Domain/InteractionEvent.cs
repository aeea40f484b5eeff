using System.Globalization;

namespace Recommender.Grains.Domain;

/// <summary>One interaction of a user with an item, as it travels to the user's grain and sits in the event log.</summary>
[GenerateSerializer, Alias("reco.InteractionEvent"), Immutable]
public sealed record InteractionEvent
{
    [Id(0)] public required string ItemId { get; init; }
    [Id(1)] public required EventType Type { get; init; }
    /// <summary>The rating (1–5) for <see cref="EventType.Rating"/>; 0 otherwise.</summary>
    [Id(2)] public float Value { get; init; }
    /// <summary>Unix milliseconds.</summary>
    [Id(3)] public long Timestamp { get; init; }
    [Id(4)] public string? EventId { get; init; }
    /// <summary>The served list the event answers (attribution, docs/API.md); not written to the log.</summary>
    [Id(5)] public string? RecommendationId { get; init; }

    public DateTimeOffset Time => DateTimeOffset.FromUnixTimeMilliseconds(Timestamp);

    /// <summary>Compact log encoding <c>timestamp|type|item|value|eventId</c>; ids never contain '|' (see <see cref="Identifiers"/>).</summary>
    public string Encode() =>
        string.Create(CultureInfo.InvariantCulture, $"{Timestamp}|{(int)Type}|{ItemId}|{Value}|{EventId}");

    public static InteractionEvent Decode(string line)
    {
        var parts = line.Split('|');
        if (parts.Length != 5) throw new FormatException($"Malformed event log entry '{line}'.");
        return new InteractionEvent
        {
            Timestamp = long.Parse(parts[0], CultureInfo.InvariantCulture),
            Type = (EventType)byte.Parse(parts[1], CultureInfo.InvariantCulture),
            ItemId = parts[2],
            Value = float.Parse(parts[3], CultureInfo.InvariantCulture),
            EventId = parts[4].Length == 0 ? null : parts[4],
        };
    }
}
