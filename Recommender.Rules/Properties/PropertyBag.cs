using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Recommender.Rules;

/// <summary>
/// The named values of an item or a user, with the documented limits (docs/API.md, "Properties"):
/// at most <see cref="MaxCount"/> names of 1–64 characters matching <c>[A-Za-z_][A-Za-z0-9_]*</c>
/// (so a filter can name them), strings up to <see cref="MaxStringLength"/> characters, lists up
/// to <see cref="MaxListLength"/> strings, numbers finite, <see cref="MaxJsonBytes"/> bytes in all.
/// Stored and published as canonical JSON (<see cref="ToJson"/>), parsed once per change.
/// </summary>
public sealed partial class PropertyBag : IReadOnlyDictionary<string, PropertyValue>
{
    public const int MaxCount = 50;
    public const int MaxNameLength = 64;
    public const int MaxStringLength = 1024;
    public const int MaxListLength = 100;
    public const int MaxJsonBytes = 16 * 1024;

    public static readonly PropertyBag Empty = new(new Dictionary<string, PropertyValue>(StringComparer.Ordinal));

    private readonly Dictionary<string, PropertyValue> _values;

    private PropertyBag(Dictionary<string, PropertyValue> values) => _values = values;

    public static PropertyBag From(IEnumerable<KeyValuePair<string, PropertyValue>> values) =>
        new(new Dictionary<string, PropertyValue>(values, StringComparer.Ordinal));

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,63}$")]
    private static partial Regex NamePattern();

    public static bool IsValidName(string name) => NamePattern().IsMatch(name);

    /// <summary>
    /// Reads a JSON object of properties. Errors go to <paramref name="error"/> as (field, reason)
    /// with the field named <paramref name="prefix"/>.name; nothing is returned when there is one.
    /// A JSON null as a value is an error here (in a merge patch it removes the name).
    /// </summary>
    public static PropertyBag? Parse(JsonElement element, string prefix, Action<string, string> error) =>
        element.ValueKind == JsonValueKind.Object
            ? Read(new Dictionary<string, PropertyValue>(StringComparer.Ordinal), element, prefix, error, nullRemoves: false)
            : Refuse(prefix, $"{prefix} must be a JSON object of named values.", error);

    private static PropertyBag? Refuse(string field, string reason, Action<string, string> error)
    {
        error(field, reason);
        return null;
    }

    /// <summary>
    /// Applies the object's names to <paramref name="values"/>: a value replaces, a JSON null removes
    /// the name when <paramref name="nullRemoves"/> (a merge patch) and is refused otherwise.
    /// </summary>
    private static PropertyBag? Read(Dictionary<string, PropertyValue> values, JsonElement element, string prefix, Action<string, string> error, bool nullRemoves)
    {
        var ok = true;
        foreach (var property in element.EnumerateObject())
        {
            if (Text(() => property.Name) is not { } name)
            {
                error(prefix, "A property name must be valid UTF-8 text.");
                ok = false;
                continue;
            }
            var field = $"{prefix}.{name}";
            if (!IsValidName(name))
            {
                error(field, $"A property name is 1–{MaxNameLength} characters: a letter or '_', then letters, digits or '_'.");
                ok = false;
            }
            else if (nullRemoves && property.Value.ValueKind == JsonValueKind.Null) values.Remove(name);
            else if (ParseValue(property.Value, field, error) is { } value) values[name] = value;
            else ok = false;
        }
        return ok ? Checked(new PropertyBag(values), prefix, error) : null;
    }

    /// <summary>A name or string of the document, or null when its bytes are not valid UTF-8 (or an escaped lone surrogate).</summary>
    private static string? Text(Func<string?> read)
    {
        try { return read(); }
        catch (InvalidOperationException) { return null; }
    }

    /// <summary>RFC 7396 JSON Merge Patch: a name with null is removed, any other value replaces (objects are not merged deeper: values are flat).</summary>
    public static PropertyBag? MergePatch(PropertyBag current, JsonElement patch, string prefix, Action<string, string> error) =>
        patch.ValueKind == JsonValueKind.Object
            ? Read(new Dictionary<string, PropertyValue>(current._values, StringComparer.Ordinal), patch, prefix, error, nullRemoves: true)
            : Refuse(prefix, $"{prefix} must be a JSON object (a merge patch).", error);

    private static PropertyBag? Checked(PropertyBag bag, string prefix, Action<string, string> error)
    {
        if (bag.Count > MaxCount)
        {
            error(prefix, $"{prefix} holds at most {MaxCount} names; this one has {bag.Count}.");
            return null;
        }
        if (Encoding.UTF8.GetByteCount(bag.ToJson()) > MaxJsonBytes)
        {
            error(prefix, $"{prefix} takes at most {MaxJsonBytes} bytes of JSON.");
            return null;
        }
        return bag;
    }

    private static PropertyValue? ParseValue(JsonElement value, string field, Action<string, string> error)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.True: return PropertyValue.Of(true);
            case JsonValueKind.False: return PropertyValue.Of(false);
            case JsonValueKind.Number:
                if (value.TryGetDouble(out var number) && double.IsFinite(number)) return PropertyValue.Of(number);
                error(field, "A number must be finite.");
                return null;
            case JsonValueKind.String:
                if (Text(value.GetString) is not { } text)
                {
                    error(field, "A string must be valid UTF-8 text.");
                    return null;
                }
                if (text.Length > MaxStringLength || text.Any(char.IsControl))
                {
                    error(field, $"A string is at most {MaxStringLength} characters, without control characters.");
                    return null;
                }
                return TryTimestamp(text, out var ms) ? PropertyValue.Timestamp(ms) : PropertyValue.Of(text);
            case JsonValueKind.Array:
                if (value.GetArrayLength() > MaxListLength)
                {
                    error(field, $"A list holds at most {MaxListLength} strings.");
                    return null;
                }
                var entries = new List<string>();
                foreach (var entry in value.EnumerateArray())
                {
                    if (entry.ValueKind != JsonValueKind.String || Text(entry.GetString) is not { Length: > 0 and <= 256 } s || s.Any(char.IsControl))
                    {
                        error(field, "A list holds strings of 1–256 characters only.");
                        return null;
                    }
                    entries.Add(s);
                }
                return PropertyValue.Of(entries);
            default:
                error(field, "A value is a string, a number, a boolean, a date-time string or a list of strings (objects and null are not values).");
                return null;
        }
    }

    /// <summary>An RFC 3339 date-time with a time and an offset ("2026-12-01T10:00:00Z", "…+01:00"): a timestamp, not a string.</summary>
    public static bool TryTimestamp(string text, out long unixMilliseconds)
    {
        unixMilliseconds = 0;
        if (text.Length < 20 || text.Length > 40 || text[4] != '-' || text[10] is not ('T' or 't')) return false;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at)) return false;
        var last = text[^1];
        if (last is not ('Z' or 'z') && !(text.Length >= 6 && text[^6] is '+' or '-' && text[^3] == ':')) return false;
        unixMilliseconds = at.ToUnixTimeMilliseconds();
        return true;
    }

    /// <summary>Canonical JSON: names sorted, timestamps as UTC date-time strings.</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream)) WriteTo(writer);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        foreach (var (name, value) in _values.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            writer.WritePropertyName(name);
            switch (value.Kind)
            {
                case PropertyKind.String: writer.WriteStringValue(value.Text); break;
                case PropertyKind.Number: writer.WriteNumberValue(value.Number); break;
                case PropertyKind.Boolean: writer.WriteBooleanValue(value.Boolean); break;
                case PropertyKind.Timestamp: writer.WriteStringValue(value.ToString()); break;
                default:
                    writer.WriteStartArray();
                    foreach (var entry in value.List) writer.WriteStringValue(entry);
                    writer.WriteEndArray();
                    break;
            }
        }
        writer.WriteEndObject();
    }

    /// <summary>Reads what <see cref="ToJson"/> wrote (null or empty: no properties).</summary>
    public static PropertyBag FromJson(string? json)
    {
        if (string.IsNullOrEmpty(json)) return Empty;
        using var document = JsonDocument.Parse(json);
        return Parse(document.RootElement, "properties", (_, reason) => throw new FormatException(reason)) ?? Empty;
    }

    public PropertyValue this[string key] => _values[key];
    public IEnumerable<string> Keys => _values.Keys;
    public IEnumerable<PropertyValue> Values => _values.Values;
    public int Count => _values.Count;
    public bool ContainsKey(string key) => _values.ContainsKey(key);
    public bool TryGetValue(string key, out PropertyValue value) => _values.TryGetValue(key, out value!);
    public IEnumerator<KeyValuePair<string, PropertyValue>> GetEnumerator() => _values.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
