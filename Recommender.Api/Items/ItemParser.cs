using System.Text.Json;
using Recommender.Api.Validation;
using Recommender.Grains.Items;
using Recommender.Rules;

namespace Recommender.Api.Items;

/// <summary>
/// Validates an item body: a title (1–512 characters), up to 20 categories (1–64 characters each),
/// properties (<see cref="PropertyBag"/>'s limits), <c>hidden</c>, and an availability window
/// <c>availableFrom</c> / <c>expiresAt</c> (ISO-8601; the window must not be empty).
/// </summary>
public static class ItemParser
{
    private static readonly DateTimeOffset EarliestCreated = new(1800, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset LatestCreated = new DateTimeOffset(9001, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(-1);
    private const string Range = "1800-01-01T00:00:00Z and 9000-12-31T23:59:59Z";

    public static ItemMetadata? Parse(JsonElement element, string prefix, string? itemIdFromRoute, ValidationErrors errors)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add(prefix.Length == 0 ? "body" : prefix.TrimEnd('.'), "An item must be a JSON object.");
            return null;
        }
        var before = errors.Total;
        var itemId = itemIdFromRoute ?? JsonBody.String(element, "itemId", prefix + "itemId", errors);
        if (itemIdFromRoute is null && itemId is not null) errors.Id(prefix + "itemId", itemId);

        var title = Title(element, prefix, errors, required: true);
        var categories = Categories(element, prefix, errors) ?? [];
        // An item may predate 1970 (a film, a book); the bounds are on the UTC instant, offset applied.
        var createdAt = Iso8601.Field(element, "createdAt", prefix + "createdAt", errors, EarliestCreated, LatestCreated, Range)?.ToUnixTimeMilliseconds();
        var properties = element.TryGetProperty("properties", out var bag) && bag.ValueKind != JsonValueKind.Null
            ? PropertyBag.Parse(bag, prefix + "properties", errors.Add)
            : PropertyBag.Empty;
        if (properties is not null) properties = Unreserved(properties.Keys, prefix, errors) ? properties : null;
        var hidden = Bool(element, "hidden", prefix, errors) ?? false;
        var from = Iso8601.Field(element, "availableFrom", prefix + "availableFrom", errors, EarliestCreated, LatestCreated, Range)?.ToUnixTimeMilliseconds();
        var until = Iso8601.Field(element, "expiresAt", prefix + "expiresAt", errors, EarliestCreated, LatestCreated, Range)?.ToUnixTimeMilliseconds();
        if (from is not null && until is not null && until <= from)
            errors.Add(prefix + "expiresAt", $"{prefix}expiresAt must be later than {prefix}availableFrom.");

        if (errors.Total != before || itemId is null || title is null || properties is null) return null;
        return new ItemMetadata
        {
            ItemId = itemId, Title = title, Categories = [.. categories], CreatedAt = createdAt,
            Properties = properties.Count == 0 ? null : properties.ToJson(), Hidden = hidden, AvailableFrom = from, ExpiresAt = until,
        };
    }

    /// <summary>
    /// A JSON Merge Patch (RFC 7396) of an item: a field left out is kept; <c>availableFrom</c> /
    /// <c>expiresAt</c> null clears them; <c>properties</c> is merged name by name (null removes a name).
    /// <c>title</c>, <c>categories</c> and <c>hidden</c> cannot be null.
    /// </summary>
    public static ItemPatch? ParsePatch(JsonElement element, ValidationErrors errors)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add("body", "A merge patch must be a JSON object.");
            return null;
        }
        var before = errors.Total;
        foreach (var field in element.EnumerateObject())
        {
            string name;
            try { name = field.Name; }
            catch (InvalidOperationException) { errors.Add("body", "A field name must be valid UTF-8 text."); continue; }
            if (name is not ("title" or "categories" or "properties" or "hidden" or "availableFrom" or "expiresAt"))
                errors.Add(name, $"{name} is not a field of an item (title, categories, properties, hidden, availableFrom, expiresAt).");
        }
        foreach (var name in new[] { "title", "categories", "hidden" })
            if (element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Null) errors.Add(name, $"{name} cannot be removed.");
        var title = Title(element, "", errors, required: false);
        var categories = Categories(element, "", errors);
        string? propertiesPatch = null;
        if (element.TryGetProperty("properties", out var patch))
        {
            // Checked here for names and values; the limits on the merged whole are the grain's to check.
            if (PropertyBag.MergePatch(PropertyBag.Empty, patch, "properties", errors.Add) is not null
                && Unreserved(patch.EnumerateObject().Select(p => p.Name), "", errors)) propertiesPatch = patch.GetRawText(); // names valid: MergePatch read them
        }
        var hidden = Bool(element, "hidden", "", errors);
        var from = Clearable(element, "availableFrom", errors);
        var until = Clearable(element, "expiresAt", errors);
        if (errors.Total != before) return null;
        return new ItemPatch { Title = title, Categories = categories?.ToArray(), PropertiesPatch = propertiesPatch, Hidden = hidden, AvailableFrom = from, ExpiresAt = until };
    }

    /// <summary>The item's own fields keep their names in filters: no property may take one.</summary>
    private static bool Unreserved(IEnumerable<string> names, string prefix, ValidationErrors errors)
    {
        var ok = true;
        foreach (var name in names.Where(Grains.Items.FilterFields.IsReserved))
        {
            errors.Add($"{prefix}properties.{name}", $"'{name}' is a field of every item (filters read it by that name); a property cannot take it.");
            ok = false;
        }
        return ok;
    }

    private static Optional<long?> Clearable(JsonElement element, string name, ValidationErrors errors)
    {
        if (!element.TryGetProperty(name, out var value)) return default;
        if (value.ValueKind == JsonValueKind.Null) return Optional<long?>.Of(null);
        var at = Iso8601.Field(element, name, name, errors, EarliestCreated, LatestCreated, Range);
        return at is null ? default : Optional<long?>.Of(at.Value.ToUnixTimeMilliseconds());
    }

    private static string? Title(JsonElement element, string prefix, ValidationErrors errors, bool required)
    {
        var title = JsonBody.String(element, "title", prefix + "title", errors, required);
        if (title is not null && (title.Trim().Length == 0 || title.Length > 512 || title.Any(char.IsControl)))
        {
            errors.Add(prefix + "title", $"{prefix}title must be 1–512 characters without control characters.");
            return null;
        }
        return title?.Trim();
    }

    private static List<string>? Categories(JsonElement element, string prefix, ValidationErrors errors)
    {
        if (!element.TryGetProperty("categories", out var list) || list.ValueKind == JsonValueKind.Null) return null;
        var categories = new List<string>();
        if (list.ValueKind != JsonValueKind.Array) errors.Add(prefix + "categories", $"{prefix}categories must be an array of strings.");
        else if (list.GetArrayLength() > 20) errors.Add(prefix + "categories", $"{prefix}categories holds at most 20 entries.");
        else foreach (var c in list.EnumerateArray())
        {
            var text = c.ValueKind == JsonValueKind.String ? JsonBody.TryGetText(c)?.Trim() : null;
            if (text is null || text.Length is 0 or > 64 || text.Any(char.IsControl))
            {
                errors.Add(prefix + "categories", $"{prefix}categories entries must be strings of 1–64 characters.");
                break;
            }
            if (!categories.Contains(text, StringComparer.OrdinalIgnoreCase)) categories.Add(text);
        }
        return categories;
    }

    private static bool? Bool(JsonElement element, string name, string prefix, ValidationErrors errors)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) return value.GetBoolean();
        errors.Add(prefix + name, $"{prefix}{name} must be true or false.");
        return null;
    }
}
