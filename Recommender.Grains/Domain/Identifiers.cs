namespace Recommender.Grains.Domain;

/// <summary>
/// The one rule for every identifier (user, item, event): 1–128 characters from
/// <c>A–Z a–z 0–9 _ - . : @</c>, not made only of dots. Keeping ids free of separators lets the
/// event log use a compact '|'-separated encoding and keeps Redis keys, URLs and logs safe. An id of
/// dots alone is a dot segment: Kestrel removes it from the path before routing (<c>/users/..</c>
/// is <c>/</c>), so such a user could be created but never read, exported or erased.
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
        if (id.AsSpan().IndexOfAnyExcept('.') < 0) { reason = "must not be made only of dots (a URL path cannot address it)"; return false; }
        reason = "";
        return true;
    }

    public static bool IsValid(string? id) => IsValid(id, out _);

    private static bool IsAllowed(char c) =>
        c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '_' or '-' or '.' or ':' or '@';
}
