using System.Globalization;

namespace Recommender.Rules;

public enum PropertyKind { String, Number, Boolean, Timestamp, StringList }

/// <summary>
/// One named value of an item or a user: a string, a number (double), a boolean, a timestamp
/// (Unix milliseconds; in JSON an RFC 3339 date-time string with an offset, e.g.
/// "2026-12-01T00:00:00Z") or a list of strings. Immutable; equality by value.
/// </summary>
public sealed record PropertyValue
{
    public PropertyKind Kind { get; }
    /// <summary>The string of a <see cref="PropertyKind.String"/>.</summary>
    public string? Text { get; }
    /// <summary>The number, 1/0 for a boolean, Unix milliseconds for a timestamp.</summary>
    public double Number { get; }
    /// <summary>The entries of a <see cref="PropertyKind.StringList"/> (distinct, in the order given).</summary>
    public IReadOnlyList<string> List { get; } = [];

    private PropertyValue(PropertyKind kind, string? text, double number, IReadOnlyList<string>? list)
    {
        Kind = kind; Text = text; Number = number; List = list ?? [];
    }

    public static PropertyValue Of(string text) => new(PropertyKind.String, text, 0, null);
    public static PropertyValue Of(double number) => new(PropertyKind.Number, null, number, null);
    public static PropertyValue Of(bool value) => new(PropertyKind.Boolean, null, value ? 1 : 0, null);
    public static PropertyValue Timestamp(long unixMilliseconds) => new(PropertyKind.Timestamp, null, unixMilliseconds, null);
    public static PropertyValue Of(IEnumerable<string> list) => new(PropertyKind.StringList, null, 0, list.Distinct(StringComparer.Ordinal).ToArray());

    public bool Boolean => Number != 0;

    public bool Equals(PropertyValue? other) =>
        other is not null && Kind == other.Kind && Text == other.Text && Number.Equals(other.Number) && List.SequenceEqual(other.List);

    public override int GetHashCode()
    {
        var hash = HashCode.Combine(Kind, Text, Number);
        foreach (var entry in List) hash = HashCode.Combine(hash, entry);
        return hash;
    }

    public override string ToString() => Kind switch
    {
        PropertyKind.String => Text!,
        PropertyKind.Number => Number.ToString("R", CultureInfo.InvariantCulture),
        PropertyKind.Boolean => Boolean ? "true" : "false",
        PropertyKind.Timestamp => DateTimeOffset.FromUnixTimeMilliseconds((long)Number).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        _ => "[" + string.Join(", ", List) + "]",
    };
}
