using Recommender.Learning;
using Recommender.Rules;

namespace Recommender.Grains.Items;

/// <summary>An item's content tokens (<see cref="ContentTokens"/>): its categories and its properties; timestamps are left out.</summary>
public static class ItemTokens
{
    public static List<string> Of(ItemRecord record)
    {
        var tokens = new List<string>(record.Categories.Length + 4);
        foreach (var category in record.Categories) tokens.Add(ContentTokens.Category(category));
        if (record.Properties is null) return tokens;
        foreach (var (name, value) in PropertyBag.FromJson(record.Properties))
        {
            switch (value.Kind)
            {
                case PropertyKind.String: tokens.Add(ContentTokens.Value(name, value.Text!)); break;
                case PropertyKind.Boolean: tokens.Add(ContentTokens.Value(name, value.Boolean ? "true" : "false")); break;
                case PropertyKind.Number: tokens.Add(ContentTokens.Number(name, value.Number)); break;
                case PropertyKind.StringList: foreach (var element in value.List) tokens.Add(ContentTokens.Element(name, element)); break;
            }
        }
        return tokens;
    }
}
