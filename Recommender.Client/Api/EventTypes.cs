namespace Recommender.Client.Api;

/// <summary>The interaction types the service accepts (API.md, "Events"); sent as lower-case strings.</summary>
public static class EventTypes
{
    /// <summary>Saw the item (weak evidence).</summary>
    public const string View = "view";
    /// <summary>Opened the item.</summary>
    public const string Click = "click";
    /// <summary>Liked it (strong evidence).</summary>
    public const string Like = "like";
    /// <summary>Disliked it: negative evidence, the item is not recommended again.</summary>
    public const string Dislike = "dislike";
    /// <summary>Shared it.</summary>
    public const string Share = "share";
    /// <summary>Bought it (the strongest implicit evidence; value: units).</summary>
    public const string Purchase = "purchase";
    /// <summary>An explicit rating; <see cref="InteractionEvent.Value"/> 1–5 is required.</summary>
    public const string Rating = "rating";
}
