using System.Globalization;
using System.Text.Json.Nodes;

namespace Recommender.Client.Commands;

/// <summary>
/// <c>--property name=value</c> as typed on a command line: a number (<c>price=9.5</c>), <c>true</c> /
/// <c>false</c>, an ISO 8601 date-time (<c>releasedAt=2026-01-02T03:04:05Z</c>, sent as text the
/// service stores as a timestamp), a list of strings (<c>tags=[a,b]</c>), anything else a string.
/// Quotes force a string: <c>code='42'</c>.
/// </summary>
public static class PropertyArguments
{
    /// <summary>The properties as a JSON object; a problem names the argument and why.</summary>
    /// <exception cref="FormatException">An argument without <c>=</c> or without a name.</exception>
    public static JsonObject Parse(IEnumerable<string> arguments)
    {
        var properties = new JsonObject();
        foreach (var argument in arguments)
        {
            var equals = argument.IndexOf('=');
            if (equals <= 0) throw new FormatException($"--property '{argument}': expected name=value (e.g. price=9.5, tags=[a,b]).");
            properties[argument[..equals].Trim()] = Value(argument[(equals + 1)..]);
        }

        return properties;
    }

    public static JsonNode Value(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Length >= 2 && (trimmed[0] == '\'' || trimmed[0] == '"') && trimmed[^1] == trimmed[0]) return JsonValue.Create(trimmed[1..^1]);
        if (trimmed == "true") return JsonValue.Create(true);
        if (trimmed == "false") return JsonValue.Create(false);
        if (trimmed.StartsWith('[') && trimmed.EndsWith(']'))
        {
            var inner = trimmed[1..^1];
            var list = new JsonArray();
            if (inner.Trim().Length > 0)
                foreach (var entry in inner.Split(',')) list.Add(JsonValue.Create(Unquote(entry.Trim())));
            return list;
        }

        if (double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)) return JsonValue.Create(number);
        if (trimmed.Contains('T') && DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            return JsonValue.Create(at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        return JsonValue.Create(trimmed);
    }

    /// <summary><c>name=value</c> pairs of <c>--param</c>, the value kept as text (the service reads it as JSON or text).</summary>
    public static Dictionary<string, string> Parameters(IEnumerable<string> arguments)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var argument in arguments)
        {
            var equals = argument.IndexOf('=');
            if (equals <= 0) throw new FormatException($"--param '{argument}': expected name=value (e.g. max=50, regions=[\"EU\",\"US\"]).");
            parameters[argument[..equals].Trim()] = argument[(equals + 1)..];
        }

        return parameters;
    }

    private static string Unquote(string text) =>
        text.Length >= 2 && (text[0] == '\'' || text[0] == '"') && text[^1] == text[0] ? text[1..^1] : text;
}
