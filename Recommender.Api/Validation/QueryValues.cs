namespace Recommender.Api.Validation;

/// <summary>
/// Query-string numbers and flags parsed by hand, so "?k=ten" becomes a 400 problem naming
/// <c>k</c> instead of the framework's bare binding failure.
/// </summary>
public static class QueryValues
{
    public static int Int(string? text, string field, int fallback, int min, int max, ValidationErrors errors)
    {
        if (string.IsNullOrEmpty(text)) return fallback;
        if (!int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value))
        {
            errors.Add(field, $"{field} must be a whole number between {min} and {max}.");
            return fallback;
        }
        if (value < min || value > max) errors.Add(field, $"{field} must be between {min} and {max}.");
        return value;
    }

    public static bool Bool(string? text, string field, bool fallback, ValidationErrors errors)
    {
        if (string.IsNullOrEmpty(text)) return fallback;
        if (bool.TryParse(text, out var value)) return value;
        errors.Add(field, $"{field} must be true or false.");
        return fallback;
    }

    /// <summary>A fraction in [0, 1], or null when absent.</summary>
    public static double? Fraction(string? text, string field, ValidationErrors errors)
    {
        if (string.IsNullOrEmpty(text)) return null;
        if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value)
            && value is >= 0 and <= 1) return value;
        errors.Add(field, $"{field} must be a number between 0 and 1.");
        return null;
    }
}
