namespace Recommender.Grains.Domain;

/// <summary>The interactions a user can have with an item. The numeric values are persisted in the event log: never renumber.</summary>
public enum EventType : byte
{
    View = 0,
    Click = 1,
    Like = 2,
    Dislike = 3,
    Share = 4,
    Purchase = 5,
    Rating = 6,
}

public static class EventTypes
{
    public const int Count = 7;

    public static readonly IReadOnlyList<EventType> All = Enum.GetValues<EventType>();

    /// <summary>Lower-case wire names, indexed by <see cref="EventType"/>.</summary>
    public static readonly string[] Names = ["view", "click", "like", "dislike", "share", "purchase", "rating"];

    public static string ToWire(this EventType type) => Names[(int)type];

    public static bool TryParse(string? text, out EventType type)
    {
        for (var i = 0; i < Names.Length; i++)
        {
            if (string.Equals(Names[i], text, StringComparison.OrdinalIgnoreCase))
            {
                type = (EventType)i;
                return true;
            }
        }
        type = default;
        return false;
    }
}
