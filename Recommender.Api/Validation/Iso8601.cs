using System.Globalization;
using System.Text.RegularExpressions;

namespace Recommender.Api.Validation;

/// <summary>
/// Dates and times as ISO-8601 / RFC 3339 in extended form, and nothing else:
/// <c>2024-05-01</c> (midnight UTC), or <c>2024-05-01T12:00</c> with optional <c>:ss</c>, 1–7
/// fraction digits and an offset <c>Z</c> or <c>±hh:mm</c> (none: UTC). <c>DateTimeOffset.TryParse</c>
/// alone took "1/2/2020", "January 2, 2020" or a space for the T, each read by the server's idea of a
/// culture rather than the client's.
/// </summary>
public static partial class Iso8601
{
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})?)?$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Form();

    /// <summary>The UTC instant of an ISO-8601 date-time, or false (a wrong form, or no such date: 2024-02-30, offset +25:00).</summary>
    public static bool TryParse(string text, out DateTimeOffset instant)
    {
        instant = default;
        if (text.Length > 40 || !Form().IsMatch(text)) return false;
        // The form is fixed above, so the culture-aware parser reads it one way; RFC 3339 allows 't' and 'z'.
        return DateTimeOffset.TryParse(text.ToUpperInvariant(), CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out instant);
    }

    /// <summary>Reads an optional ISO-8601 string field and checks its UTC instant against [earliest, latest]; null when absent or invalid.</summary>
    public static DateTimeOffset? Field(System.Text.Json.JsonElement obj, string name, string field, ValidationErrors errors,
        DateTimeOffset earliest, DateTimeOffset latest, string range)
    {
        var text = JsonBody.String(obj, name, field, errors, required: false);
        if (text is null) return null;
        if (!TryParse(text, out var instant))
        {
            errors.Add(field, $"{field} must be an ISO-8601 date and time, such as 2024-05-01T12:00:00Z or 2024-05-01T14:00:00+02:00.");
            return null;
        }
        // Compared as UTC instants: 1800-01-01T00:00+14:00 is 1799-12-31T10:00Z.
        if (instant < earliest || instant > latest)
        {
            errors.Add(field, $"{field} must be between {range} (UTC).");
            return null;
        }
        return instant;
    }
}
