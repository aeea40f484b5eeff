using System.Text.Json;

namespace Recommender.Api.Validation;

/// <summary>
/// The one reading of a bulk body (events, items): a JSON array of 1 to <see cref="MaxSize"/>
/// elements, each parsed with its index as the prefix of its fields (<c>[3].value</c>), so every
/// faulty field of every element is named at once and nothing is applied while one is faulty.
/// </summary>
public static class JsonBatch
{
    public const int MaxSize = 10_000;

    /// <param name="noun">What the elements are ("events", "items"), for the messages.</param>
    /// <param name="parse">Reads one element under its prefix (adding its errors).</param>
    /// <param name="single">Whether a lone object (not in an array) is a batch of one.</param>
    public static void ForEach(JsonElement root, string noun, Action<JsonElement, string> parse, ValidationErrors errors, bool single = false)
    {
        if (root.ValueKind != JsonValueKind.Array)
        {
            if (single) parse(root, "");
            else errors.Add("body", $"The body must be a JSON array of {noun}.");
            return;
        }
        var count = root.GetArrayLength();
        if (count is 0 or > MaxSize)
        {
            errors.Add("body", $"A batch holds 1 to {MaxSize:N0} {noun}; this one has {count:N0}.");
            return;
        }
        var index = 0;
        foreach (var element in root.EnumerateArray()) parse(element, $"[{index++}].");
    }
}
