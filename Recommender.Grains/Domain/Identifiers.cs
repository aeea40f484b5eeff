namespace Recommender.Grains.Domain;

/// <summary>
/// The one rule for every identifier (user, item, event): 1–128 characters from
/// <c>A–Z a–z 0–9 _ - . : @</c>. Keeping ids free of separators lets the event log use a compact
/// '|'-separated encoding and keeps Redis keys, URLs and logs safe.
/// </summary>
public static class Identifiers
{
    public const int MaxLength = 128;

    public static bool IsValid(string? id, out string reason)
    {
        if (string.IsNullOrEmpty(id)) { reason = "is required and must not be empty"; return false; }
        if (id.Length > MaxLength) { reason = $"must be at most {MaxLength} characters"; return false; }
        foreach (var c in id)
        {
            if (!IsAllowed(c)) { reason = "may contain only letters, digits and _ - . : @"; return false; }
        }
        reason = "";
        return true;
    }

    public static bool IsValid(string? id) => IsValid(id, out _);

    private static bool IsAllowed(char c) =>
        c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '_' or '-' or '.' or ':' or '@';
}
