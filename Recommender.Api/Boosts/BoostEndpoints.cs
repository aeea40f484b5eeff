using System.Text.Json;
using Recommender.Api.Filters;
using Recommender.Api.Validation;
using Recommender.Grains.Rules;

namespace Recommender.Api.Boosts;

/// <summary>
/// <c>/api/v1/boosts</c>: named boosts, stored with the filters and replicated to every silo. An
/// enabled boost multiplies and shifts the scores of matching items before the top-K is chosen, in
/// every personal ranking and in popular lists (<see cref="Recommender.Grains.Ranking.BoostSet"/>).
/// </summary>
public static class BoostEndpoints
{
    public const double MaxMultiply = 100;
    public const double MaxAdd = 10;

    private static readonly StoredRules<BoostDefinition, BoostBody, BoostResponse> Stored = new(
        "boost", r => r.Boosts(), b => b.Name, (r, b) => r.PutBoost(b), (r, name) => r.DeleteBoost(name), BoostResponse.From,
        "{\"filter\": …, \"multiply\": …, \"add\": …}", Read);

    public static IEndpointRouteBuilder MapBoostsApi(this IEndpointRouteBuilder routes)
    {
        Stored.Map(routes, "/api/v1/boosts", "Boosts", "Every boost, in the order they compose (by name)");
        return routes;
    }

    private static async Task<BoostDefinition?> Read(string name, JsonElement root, ValidationErrors errors, IRulesGrain rules)
    {
        var (filter, filterName) = await RuleFilter.ReadAsync(root, errors, rules);
        var multiply = JsonBody.Number(root, "multiply", "multiply", errors) ?? 1;
        if (multiply is <= 0 or > MaxMultiply) errors.Add("multiply", $"multiply must be greater than 0 and at most {MaxMultiply}.");
        var add = JsonBody.Number(root, "add", "add", errors) ?? 0;
        if (add is < -MaxAdd or > MaxAdd) errors.Add("add", $"add must be between {-MaxAdd} and {MaxAdd}.");
        var enabled = RuleFilter.Bool(root, "enabled", true, errors);
        if (errors.Any) return null;
        return new BoostDefinition
        {
            Name = name, Filter = filter, FilterName = filterName, Multiply = (float)multiply, Add = (float)add, Enabled = enabled, UpdatedAt = DateTimeOffset.UtcNow,
        };
    }
}

public sealed record BoostBody(string? Filter, string? FilterName, double Multiply = 1, double Add = 0, bool Enabled = true);

public sealed record BoostResponse(string Name, string? Filter, string? FilterName, float Multiply, float Add, bool Enabled, DateTimeOffset UpdatedAt)
{
    public static BoostResponse From(BoostDefinition b) => new(b.Name, b.Filter, b.FilterName, b.Multiply, b.Add, b.Enabled, b.UpdatedAt);
}
