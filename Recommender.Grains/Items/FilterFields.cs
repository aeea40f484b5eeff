using Recommender.Rules;

namespace Recommender.Grains.Items;

/// <summary>
/// What a filter sees of an item: its properties plus the described fields under their own names —
/// <c>itemId</c>, <c>title</c>, <c>categories</c> (a list) and <c>createdAt</c> (a timestamp).
/// Those names are reserved: an item's properties cannot use them.
/// </summary>
public static class FilterFields
{
    public static readonly string[] Reserved = ["itemId", "title", "categories", "createdAt"];

    public static bool IsReserved(string name) => Array.IndexOf(Reserved, name) >= 0;

    public static PropertyBag Of(ItemRecord record)
    {
        var properties = PropertyBag.FromJson(record.Properties);
        return PropertyBag.From(properties.Append(new("itemId", PropertyValue.Of(record.ItemId)))
            .Append(new("title", PropertyValue.Of(record.Title)))
            .Append(new("categories", PropertyValue.Of(record.Categories)))
            .Append(new("createdAt", PropertyValue.Timestamp(record.CreatedAt))));
    }

    public static bool SameDescription(ItemRecord a, ItemRecord b) =>
        a.Title == b.Title && a.CreatedAt == b.CreatedAt && a.Properties == b.Properties && a.Categories.AsSpan().SequenceEqual(b.Categories);
}
