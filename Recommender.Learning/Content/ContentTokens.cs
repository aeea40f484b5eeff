using System.Globalization;

namespace Recommender.Learning;

/// <summary>
/// The words content similarity compares: <c>cat:drama</c> for a category, <c>brand=acme</c> for a
/// string or boolean property, <c>tags:x</c> per element of a list, and <c>price~13</c> for a number —
/// its quarter-octave bucket ⌊4·log2(1 + |x|)⌋ (signed), so values within ~19 % of each other usually
/// share a token whatever the unit. That suits prices, sizes and counts and is blind to years and
/// timestamps (which all fall in one or two buckets; send a decade as a string to use one). Text is
/// compared case-insensitively.
/// </summary>
public static class ContentTokens
{
    public static string Category(string category) => "cat:" + category.ToLowerInvariant();

    public static string Value(string name, string value) => name + "=" + value.ToLowerInvariant();

    public static string Element(string name, string element) => name + ":" + element.ToLowerInvariant();

    public static string Number(string name, double value)
    {
        if (!double.IsFinite(value)) return name + "~nan";
        var bucket = (int)Math.Floor(4 * Math.Log2(1 + Math.Abs(value)));
        return name + "~" + (value < 0 ? -bucket - 1 : bucket).ToString(CultureInfo.InvariantCulture);
    }
}
