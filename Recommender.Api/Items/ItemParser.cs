using System.Text.Json;
using Recommender.Api.Validation;
using Recommender.Grains.Items;

namespace Recommender.Api.Items;

/// <summary>Validates an item body: a title (1–512 characters) and up to 20 categories (1–64 characters each).</summary>
public static class ItemParser
{
    private static readonly DateTimeOffset EarliestCreated = new(1800, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset LatestCreated = new DateTimeOffset(9001, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(-1);

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

        var title = JsonBody.String(element, "title", prefix + "title", errors);
        if (title is not null && (title.Trim().Length == 0 || title.Length > 512 || title.Any(char.IsControl)))
            errors.Add(prefix + "title", $"{prefix}title must be 1–512 characters without control characters.");

        var categories = new List<string>();
        if (element.TryGetProperty("categories", out var list) && list.ValueKind != JsonValueKind.Null)
        {
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
        }

        // An item may predate 1970 (a film, a book); the bounds are on the UTC instant, offset applied.
        var createdAt = Iso8601.Field(element, "createdAt", prefix + "createdAt", errors, EarliestCreated, LatestCreated, "1800-01-01T00:00:00Z and 9000-12-31T23:59:59Z")
            ?.ToUnixTimeMilliseconds();

        if (errors.Total != before || itemId is null || title is null) return null;
        return new ItemMetadata { ItemId = itemId, Title = title.Trim(), Categories = [.. categories], CreatedAt = createdAt };
    }
}
