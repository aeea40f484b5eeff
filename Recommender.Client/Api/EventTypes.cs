namespace Recommender.Client.Api;

/// <summary>The interaction types the service accepts (API.md, "Events"); sent as lower-case strings.</summary>
public static class EventTypes
{
    public const string View = "view";
    public const string Click = "click";
    public const string Like = "like";
    public const string Dislike = "dislike";
    public const string Share = "share";
    public const string Purchase = "purchase";
    public const string Rating = "rating";
}
