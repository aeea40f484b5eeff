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

    public static IEndpointRouteBuilder MapBoostsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/boosts").WithTags("Boosts").RequireAuthorization(Security.ApiPolicies.ByRoute);
        group.MapGet("/", List).WithSummary("Every boost, in the order they compose (by name)").Produces<BoostResponse[]>();
        group.MapGet("/{name}", Get).WithSummary("One boost").Produces<BoostResponse>().ProducesProblem(404).ProducesValidationProblem();
        group.MapPut("/{name}", Put).WithSummary("Store a boost under a name (replaces one of that name)")
            .Accepts<BoostBody>("application/json").Produces<BoostResponse>().ProducesValidationProblem();
        group.MapDelete("/{name}", Delete).WithSummary("Remove a boost").Produces(204).ProducesProblem(404).ProducesValidationProblem();
        return routes;
    }

    private static IRulesGrain Rules(IGrainFactory grains) => grains.GetGrain<IRulesGrain>(RulesGrain.Key);

    private static async Task<IResult> List(IGrainFactory grains) =>
        TypedResults.Ok((await Rules(grains).Boosts()).Select(BoostResponse.From).ToArray());

    private static async Task<IResult> Get(string name, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        if (!FilterNames.IsValid(name)) { errors.Add("name", FilterNames.Rule); return errors.ToResult(); }
        var boost = (await Rules(grains).Boosts()).FirstOrDefault(b => b.Name == name);
        return boost is null ? Unknown(name) : TypedResults.Ok(BoostResponse.From(boost));
    }

    private static async Task<IResult> Put(string name, HttpRequest request, IGrainFactory grains, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (!FilterNames.IsValid(name)) errors.Add("name", FilterNames.Rule);
        var (document, problem) = await JsonBody.ReadAsync(request, ct);
        if (problem is not null) return problem;
        using var _ = document;
        var root = document!.RootElement;
        if (root.ValueKind != JsonValueKind.Object) { errors.Add("body", "The body must be a JSON object {\"filter\": …, \"multiply\": …, \"add\": …}."); return errors.ToResult(); }
        var (filter, filterName) = await RuleFilter.ReadAsync(root, errors, Rules(grains));
        var multiply = JsonBody.Number(root, "multiply", "multiply", errors) ?? 1;
        if (multiply is <= 0 or > MaxMultiply) errors.Add("multiply", $"multiply must be greater than 0 and at most {MaxMultiply}.");
        var add = JsonBody.Number(root, "add", "add", errors) ?? 0;
        if (add is < -MaxAdd or > MaxAdd) errors.Add("add", $"add must be between {-MaxAdd} and {MaxAdd}.");
        var enabled = RuleFilter.Bool(root, "enabled", true, errors);
        if (errors.Any) return errors.ToResult();
        var definition = new BoostDefinition
        {
            Name = name, Filter = filter, FilterName = filterName, Multiply = (float)multiply, Add = (float)add, Enabled = enabled, UpdatedAt = DateTimeOffset.UtcNow,
        };
        await Rules(grains).PutBoost(definition);
        return TypedResults.Ok(BoostResponse.From(definition));
    }

    private static async Task<IResult> Delete(string name, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        if (!FilterNames.IsValid(name)) { errors.Add("name", FilterNames.Rule); return errors.ToResult(); }
        return await Rules(grains).DeleteBoost(name) ? TypedResults.NoContent() : Unknown(name);
    }

    private static IResult Unknown(string name) =>
        TypedResults.Problem(statusCode: 404, title: "Unknown boost.", detail: $"No boost is stored under '{name}'.");
}

public sealed record BoostBody(string? Filter, string? FilterName, double Multiply = 1, double Add = 0, bool Enabled = true);

public sealed record BoostResponse(string Name, string? Filter, string? FilterName, float Multiply, float Add, bool Enabled, DateTimeOffset UpdatedAt)
{
    public static BoostResponse From(BoostDefinition b) => new(b.Name, b.Filter, b.FilterName, b.Multiply, b.Add, b.Enabled, b.UpdatedAt);
}
