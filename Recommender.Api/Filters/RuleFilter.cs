using System.Text.Json;
using Recommender.Api.Validation;
using Recommender.Grains.Rules;
using Recommender.Rules;

namespace Recommender.Api.Filters;

/// <summary>
/// The filter of a stored rule (a promotion, a boost): exactly one of <c>filter</c> (an expression)
/// and <c>filterName</c> (a stored filter that exists now). A rule has no request to bind $parameters
/// from, so a filter that needs one is refused; <c>user.&lt;name&gt;</c> and <c>now</c> are fine.
/// </summary>
public static class RuleFilter
{
    public static async Task<(string? Filter, string? FilterName)> ReadAsync(JsonElement root, ValidationErrors errors, IRulesGrain rules)
    {
        var filter = JsonBody.String(root, "filter", "filter", errors, required: false);
        var filterName = JsonBody.String(root, "filterName", "filterName", errors, required: false);
        if (filter is null == filterName is null)
        {
            errors.Add("filter", "Give exactly one of filter (an expression, docs/FILTERS.md) and filterName (a stored filter).");
            return (null, null);
        }
        if (filter is not null) Check(filter, "filter", errors);
        else if (!FilterNames.IsValid(filterName!)) errors.Add("filterName", FilterNames.Rule);
        else if ((await rules.Filters()).FirstOrDefault(f => f.Name == filterName) is not { } stored)
            errors.Add("filterName", $"No stored filter is named '{filterName}' (see GET /api/v1/filters).");
        else Check(stored.Expression, "filterName", errors);
        return (filter, filterName);
    }

    public static void Check(string expression, string field, ValidationErrors errors)
    {
        try
        {
            var parsed = Filter.Parse(expression);
            if (parsed.Parameters.Count > 0)
                errors.Add(field, $"A stored rule's filter cannot use $parameters (it uses ${parsed.Parameters.First()}): no request binds them.");
        }
        catch (FilterException e)
        {
            errors.Add(field, e.Message);
        }
    }

    /// <summary>An optional boolean field (default when absent or null).</summary>
    public static bool Bool(JsonElement root, string name, bool fallback, ValidationErrors errors, string? field = null)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return fallback;
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) return value.GetBoolean();
        field ??= name;
        errors.Add(field, $"{field} must be true or false.");
        return fallback;
    }

    /// <summary>An integer field in [min, max]; null (with an error when required) otherwise.</summary>
    public static int? Int(JsonElement root, string name, int min, int max, ValidationErrors errors, bool required = true)
    {
        var number = JsonBody.Number(root, name, name, errors);
        if (number is null)
        {
            if (required && !(root.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null)) errors.Add(name, $"{name} is required.");
            return null;
        }
        if (number != Math.Floor(number.Value) || number < min || number > max)
        {
            errors.Add(name, $"{name} must be a whole number between {min} and {max}.");
            return null;
        }
        return (int)number.Value;
    }
}
