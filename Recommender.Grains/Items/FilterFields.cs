using Recommender.Rules;

namespace Recommender.Grains.Items;

/// <summary>
/// What a filter sees of an item: its properties plus the described fields under their own names —
/// <c>itemId</c>, <c>categories</c> (a list) and <c>createdAt</c> (a timestamp). Those names and
/// <c>title</c> are reserved: an item's properties cannot use them. The title is not filterable: a
/// posting per distinct title cost ~100 B per item (as many postings as items) for a filter nobody needs.
/// </summary>
public static class FilterFields
{
    public static readonly string[] Reserved = ["itemId", "title", "categories", "createdAt"];

    public static bool IsReserved(string name) => Array.IndexOf(Reserved, name) >= 0;

    public static PropertyBag Of(ItemRecord record)
    {
        var properties = PropertyBag.FromJson(record.Properties);
        return PropertyBag.From(properties.Append(new("itemId", PropertyValue.Of(record.ItemId)))
            .Append(new("categories", PropertyValue.Of(record.Categories)))
            .Append(new("createdAt", PropertyValue.Timestamp(record.CreatedAt))));
    }

    public static bool SameDescription(ItemRecord a, ItemRecord b) =>
        a.CreatedAt == b.CreatedAt && a.Properties == b.Properties && a.Categories.AsSpan().SequenceEqual(b.Categories);
}
