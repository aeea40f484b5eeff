using System.Text.Json;
using Recommender.Api.Validation;
using Recommender.Grains.Users;
using Recommender.Rules;

namespace Recommender.Api.Filters;

/// <summary>
/// The rule part of a list request, read the same way by every list (recommendations, similar,
/// popular, items, latest, the seed's recommend, the hub's Watch): <c>filter</c> (an inline
/// expression, parsed here so a mistake is a 400 naming its position), <c>filterName</c> (a stored
/// one) and <c>param.&lt;name&gt;</c> for each $parameter — a JSON value (<c>5</c>, <c>true</c>,
/// <c>"5"</c>, <c>["a","b"]</c>) or, if it is not JSON, the text itself.
/// </summary>
public sealed record FilterQuery(string? Filter, string? FilterName, string? Parameters)
{
    public const string ParameterPrefix = "param.";

    public static readonly FilterQuery None = new(null, null, null);

    public RecommendQuery ApplyTo(RecommendQuery query) => query with { Filter = Filter, FilterName = FilterName, Parameters = Parameters };

    public static FilterQuery Read(IQueryCollection query, ValidationErrors errors) =>
        Read(query["filter"].FirstOrDefault(), query["filterName"].FirstOrDefault(),
            query.Where(q => q.Key.StartsWith(ParameterPrefix, StringComparison.Ordinal)).Select(q => (q.Key[ParameterPrefix.Length..], (string?)q.Value.FirstOrDefault())),
            errors);

    public static FilterQuery Read(string? filter, string? filterName, IEnumerable<(string Name, string? Value)> parameters, ValidationErrors errors)
    {
        filter = string.IsNullOrWhiteSpace(filter) ? null : filter;
        filterName = string.IsNullOrWhiteSpace(filterName) ? null : filterName;
        Filter? parsed = null;
        if (filter is not null)
        {
            try { parsed = Rules.Filter.Parse(filter); }
            catch (FilterException e) { errors.Add("filter", e.Message); }
        }
        if (filterName is not null && !FilterNames.IsValid(filterName)) errors.Add("filterName", FilterNames.Rule);

        var values = new Dictionary<string, PropertyValue>(StringComparer.Ordinal);
        foreach (var (name, text) in parameters)
        {
            if (!PropertyBag.IsValidName(name)) { errors.Add(ParameterPrefix + name, "A parameter name is a letter or '_', then letters, digits or '_' (at most 64)."); continue; }
            if (Value(text ?? "") is { } value) values[name] = value;
            else errors.Add(ParameterPrefix + name, "A parameter is a string, a number, a boolean, a date-time or a JSON list of strings.");
        }
        if (parsed is not null)
            foreach (var needed in parsed.Parameters.Where(p => !values.ContainsKey(p)))
                errors.Add(ParameterPrefix + needed, $"The filter uses ${needed}: give it as {ParameterPrefix}{needed}=….");
        return new FilterQuery(filter, filterName, values.Count == 0 ? null : PropertyBag.From(values).ToJson());
    }

    /// <summary>A parameter's value: JSON when it parses as a value of a property, the text itself otherwise.</summary>
    private static PropertyValue? Value(string text)
    {
        if (text.Length > PropertyBag.MaxStringLength) return null;
        try
        {
            using var document = JsonDocument.Parse($"{{\"v\":{text}}}");
            PropertyValue? value = null;
            PropertyBag.Parse(document.RootElement, "v", (_, _) => { })?.TryGetValue("v", out value);
            if (value is not null) return value;
            if (document.RootElement.GetProperty("v").ValueKind is JsonValueKind.Array or JsonValueKind.Object or JsonValueKind.Null) return null;
        }
        catch (JsonException) { }
        return text.Any(char.IsControl) ? null : PropertyBag.TryTimestamp(text, out var ms) ? PropertyValue.Timestamp(ms) : PropertyValue.Of(text);
    }
}

/// <summary>The names of stored rules: 1–64 letters, digits, '-', '_' or '.'.</summary>
public static class FilterNames
{
    public const string Rule = "A rule's name is 1–64 letters, digits, '-', '_' or '.'.";

    public static bool IsValid(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
