using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Recommender.Api.Validation;

/// <summary>
/// Reads a request body as a JSON document, so malformed JSON and wrong shapes become 400
/// problem details naming the field rather than a bare framework error. The problem is a 400
/// (malformed) or a 413 (too large): one result type, so handlers list it once in their union.
/// </summary>
public static class JsonBody
{
    public static async Task<(JsonDocument? Document, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var document = await JsonDocument.ParseAsync(request.Body, new JsonDocumentOptions { MaxDepth = 16 }, cancellationToken);
            return (document, null);
        }
        catch (JsonException e)
        {
            var errors = new ValidationErrors();
            errors.Add("body", $"The body is not valid JSON: {e.Message}");
            return (null, TypedResults.Problem(errors.ToProblemDetails("Malformed JSON.")));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TypedResults.Problem(statusCode: 413, title: "The body is too large.", detail: e.Message));
        }
    }

    public static string? String(JsonElement obj, string name, string field, ValidationErrors errors, bool required = true)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required) errors.Add(field, $"{field} is required.");
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add(field, $"{field} must be a string.");
            return null;
        }
        if (TryGetText(value) is { } text) return text;
        errors.Add(field, InvalidText(value, field));
        return null;
    }

    /// <summary>
    /// Why a string could not be read: raw bytes that are not UTF-8, or an escaped lone surrogate
    /// (<c>\ud800</c>). The parser accepts both and only <see cref="JsonElement.GetString"/> refuses.
    /// </summary>
    public static string InvalidText(JsonElement value, string field) =>
        System.Text.Unicode.Utf8.IsValid(System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(value))
            ? $"{field} must be valid Unicode text (it holds an unpaired surrogate)."
            : $"{field} must be valid UTF-8 (the body holds bytes that are not UTF-8 text).";

    /// <summary>The string value, or null when it is not valid UTF-16 (a lone surrogate escaped as \ud800).</summary>
    public static string? TryGetText(JsonElement value)
    {
        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>A finite number, or null when absent; a numeric string is accepted too (the seed's clients send both).</summary>
    public static double? Number(JsonElement obj, string name, string field, ValidationErrors errors)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        double number;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out number)) { }
        else if (value.ValueKind == JsonValueKind.String && double.TryParse(TryGetText(value), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out number)) { }
        else
        {
            errors.Add(field, $"{field} must be a number.");
            return null;
        }
        if (!double.IsFinite(number))
        {
            errors.Add(field, $"{field} must be a finite number.");
            return null;
        }
        return number;
    }
}
