using System.Text.Json;
using Recommender.Api.Filters;
using Recommender.Api.Validation;
using Recommender.Grains.Experiments;

namespace Recommender.Api.Experiments;

/// <summary>Reads an experiment's JSON, naming the field of every error (variants[1].serving.filter, …); nothing is created when there is one.</summary>
public static class ExperimentParser
{
    public const string IdRule = "An experiment's id (and a variant's name) is 1–64 letters, digits, '-', '_' or '.'.";
    private static readonly string[] TopFields = ["id", "name", "variants", "holdout", "metric", "alpha", "start"];
    private static readonly string[] VariantFields = ["name", "share", "serving"];
    private static readonly string[] ServingFields = ["strategy", "popularShare", "exploration", "filter", "applyRules"];

    public static ExperimentDefinition? Parse(JsonElement root, ValidationErrors errors, out bool start)
    {
        start = false;
        if (root.ValueKind != JsonValueKind.Object) { errors.Add("body", "The body must be a JSON object {\"id\", \"variants\": [...], …}."); return null; }
        Unknown(root, TopFields, "", errors);
        var id = JsonBody.String(root, "id", "id", errors);
        if (id is not null && !FilterNames.IsValid(id)) errors.Add("id", IdRule);
        var name = JsonBody.String(root, "name", "name", errors, required: false);
        if (name is { Length: 0 or > 200 }) errors.Add("name", "name is 1–200 characters (absent: the id).");
        var holdout = Fraction(root, "holdout", "holdout", 0, 0.5, errors) ?? 0;
        var metric = JsonBody.String(root, "metric", "metric", errors, required: false) ?? ExperimentDefinition.HitRate;
        if (metric is not (ExperimentDefinition.HitRate or ExperimentDefinition.Conversion)) errors.Add("metric", "metric is hitRate or conversion.");
        var alpha = Fraction(root, "alpha", "alpha", 0.001, 0.2, errors) ?? 0.05;
        start = RuleFilter.Bool(root, "start", false, errors);
        var variants = Variants(root, errors);
        if (errors.Any) return null;
        return new ExperimentDefinition { Id = id!, Name = name ?? id!, Variants = variants!, Holdout = holdout, Metric = metric, Alpha = alpha };
    }

    private static VariantDefinition[]? Variants(JsonElement root, ValidationErrors errors)
    {
        const string rule = "variants is a list of 2–10 variants {\"name\", \"share\", \"serving\"}; the first is the control.";
        if (!root.TryGetProperty("variants", out var list) || list.ValueKind != JsonValueKind.Array) { errors.Add("variants", rule); return null; }
        var count = list.GetArrayLength();
        if (count is < 2 or > ExperimentEndpoints.MaxVariants) { errors.Add("variants", rule); return null; }
        var variants = new List<VariantDefinition>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var i = 0;
        foreach (var element in list.EnumerateArray())
        {
            var prefix = $"variants[{i++}]";
            if (element.ValueKind != JsonValueKind.Object) { errors.Add(prefix, rule); continue; }
            Unknown(element, VariantFields, prefix + ".", errors);
            var name = JsonBody.String(element, "name", prefix + ".name", errors);
            if (name is not null)
            {
                if (!FilterNames.IsValid(name)) errors.Add(prefix + ".name", IdRule);
                else if (name == ExperimentDefinition.HoldoutVariant) errors.Add(prefix + ".name", "\"holdout\" names the held-out users; choose another name.");
                else if (!names.Add(name)) errors.Add(prefix + ".name", $"Two variants are named '{name}'.");
            }
            double? share = null;
            const string shareRule = "share must be a positive JSON number: the variant's share of users (shares are normalised to sum 1).";
            if (!element.TryGetProperty("share", out var shareValue) || shareValue.ValueKind != JsonValueKind.Number
                || !shareValue.TryGetDouble(out var s) || !(s > 0) || !double.IsFinite(s))
                errors.Add(prefix + ".share", shareRule);
            else share = s;
            var serving = Serving(element, prefix + ".serving", errors);
            if (name is not null && share is > 0 && serving is not null) variants.Add(new VariantDefinition { Name = name, Share = share.Value, Serving = serving });
        }
        return variants.ToArray();
    }

    private static ServingConfig? Serving(JsonElement variant, string prefix, ValidationErrors errors)
    {
        if (!variant.TryGetProperty("serving", out var element) || element.ValueKind == JsonValueKind.Null) return ServingConfig.Default;
        if (element.ValueKind != JsonValueKind.Object) { errors.Add(prefix, $"{prefix} is an object with any of {string.Join(", ", ServingFields)}."); return null; }
        Unknown(element, ServingFields, prefix + ".", errors);
        var strategy = JsonBody.String(element, "strategy", prefix + ".strategy", errors, required: false) ?? ServingConfig.Learned;
        if (strategy is not (ServingConfig.Learned or ServingConfig.Popular)) errors.Add(prefix + ".strategy", "strategy is learned (the model) or popular.");
        var popularShare = Fraction(element, "popularShare", prefix + ".popularShare", 0, 1, errors) ?? 0;
        var exploration = Fraction(element, "exploration", prefix + ".exploration", 0, 1, errors);
        var filter = JsonBody.String(element, "filter", prefix + ".filter", errors, required: false);
        if (filter is not null) RuleFilter.Check(filter, prefix + ".filter", errors);
        var applyRules = RuleFilter.Bool(element, "applyRules", true, errors, prefix + ".applyRules");
        return new ServingConfig { Strategy = strategy, PopularShare = popularShare, Exploration = exploration, Filter = filter, ApplyRules = applyRules };
    }

    private static double? Fraction(JsonElement obj, string name, string field, double min, double max, ValidationErrors errors)
    {
        var value = JsonBody.Number(obj, name, field, errors);
        if (value is null) return null;
        if (!(value >= min && value <= max)) { errors.Add(field, $"{field} must be a number between {min} and {max}."); return null; }
        return value;
    }

    private static void Unknown(JsonElement obj, string[] known, string prefix, ValidationErrors errors)
    {
        foreach (var property in obj.EnumerateObject())
            if (!known.Contains(property.Name, StringComparer.Ordinal))
                errors.Add(prefix + property.Name, $"Unknown field '{property.Name}'; known: {string.Join(", ", known)}.");
    }
}
