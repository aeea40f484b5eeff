using Recommender.Api.Validation;
using Recommender.Grains.Catalog;
using Recommender.Grains.Rules;
using Recommender.Grains.Users;
using Recommender.Rules;

namespace Recommender.Api.Filters;

/// <summary>
/// <c>/api/v1/filters</c>: named filters stored server-side and usable by name (<c>filterName=</c>)
/// wherever an inline filter is. A stored filter that depends only on the items is evaluated once
/// per change of the catalogue on each silo, not once per request.
/// </summary>
public static class FilterEndpoints
{
    public static IEndpointRouteBuilder MapFiltersApi(this IEndpointRouteBuilder routes)
    {
        var filters = routes.MapGroup("/api/v1/filters").WithTags("Filters").RequireAuthorization(Security.ApiPolicies.ByRoute);
        filters.MapGet("/", List).WithSummary("Every stored filter").Produces<FilterResponse[]>();
        filters.MapGet("/{name}", Get).WithSummary("One stored filter").Produces<FilterResponse>().ProducesProblem(404).ProducesValidationProblem();
        filters.MapPut("/{name}", Put).WithSummary("Store a filter under a name (replaces one of that name)")
            .Accepts<FilterBody>("application/json").Produces<FilterResponse>().ProducesValidationProblem();
        filters.MapDelete("/{name}", Delete).WithSummary("Remove a stored filter").Produces(204).ProducesProblem(404).ProducesValidationProblem();
        filters.MapGet("/{name}/items", Items).WithSummary("How many items the stored filter keeps now, and the first of them by popularity")
            .Produces<FilterMatches>().ProducesProblem(404).ProducesValidationProblem();
        return routes;
    }

    private static IRulesGrain Rules(IGrainFactory grains) => grains.GetGrain<IRulesGrain>(RulesGrain.Key);

    private static async Task<IResult> List(IGrainFactory grains) =>
        TypedResults.Ok((await Rules(grains).Filters()).Select(FilterResponse.From).ToArray());

    private static async Task<IResult> Get(string name, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        if (!FilterNames.IsValid(name)) { errors.Add("name", FilterNames.Rule); return errors.ToResult(); }
        var filter = (await Rules(grains).Filters()).FirstOrDefault(f => f.Name == name);
        return filter is null ? Unknown(name) : TypedResults.Ok(FilterResponse.From(filter));
    }

    private static async Task<IResult> Put(string name, HttpRequest request, IGrainFactory grains, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (!FilterNames.IsValid(name)) errors.Add("name", FilterNames.Rule);
        var (document, problem) = await JsonBody.ReadAsync(request, ct);
        if (problem is not null) return problem;
        using var _ = document;
        var root = document!.RootElement;
        if (root.ValueKind != System.Text.Json.JsonValueKind.Object) { errors.Add("body", "The body must be a JSON object {\"expression\": …, \"description\": …}."); return errors.ToResult(); }
        var expression = JsonBody.String(root, "expression", "expression", errors);
        var description = JsonBody.String(root, "description", "description", errors, required: false);
        if (description is { Length: > 1024 }) errors.Add("description", "description is at most 1024 characters.");
        if (expression is not null)
        {
            try { Filter.Parse(expression); }
            catch (FilterException e) { errors.Add("expression", e.Message); }
        }
        if (errors.Any) return errors.ToResult();
        var definition = new FilterDefinition { Name = name, Expression = expression!, Description = description, UpdatedAt = DateTimeOffset.UtcNow };
        await Rules(grains).PutFilter(definition);
        return TypedResults.Ok(FilterResponse.From(definition));
    }

    private static async Task<IResult> Delete(string name, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        if (!FilterNames.IsValid(name)) { errors.Add("name", FilterNames.Rule); return errors.ToResult(); }
        return await Rules(grains).DeleteFilter(name) ? TypedResults.NoContent() : Unknown(name);
    }

    private static async Task<IResult> Items(string name, IGrainFactory grains, HttpRequest request, string? limit)
    {
        var errors = new ValidationErrors();
        if (!FilterNames.IsValid(name)) errors.Add("name", FilterNames.Rule);
        var take = QueryValues.Int(limit, "limit", 10, 1, 1000, errors);
        var parameters = FilterQuery.Read(null, name, request.Query.Where(q => q.Key.StartsWith(FilterQuery.ParameterPrefix, StringComparison.Ordinal))
            .Select(q => (q.Key[FilterQuery.ParameterPrefix.Length..], (string?)q.Value.FirstOrDefault())), errors);
        if (errors.Any) return errors.ToResult();
        if ((await Rules(grains).Filters()).All(f => f.Name != name)) return Unknown(name);
        var page = await grains.GetGrain<ICatalogGrain>(CatalogGrain.Key).List(null, ItemSort.Popular, 0, take, parameters.ApplyTo(new RecommendQuery()));
        return TypedResults.Ok(new FilterMatches(name, page.Total, [.. page.Items.Select(i => i.ItemId)]));
    }

    private static IResult Unknown(string name) =>
        TypedResults.Problem(statusCode: 404, title: "Unknown filter.", detail: $"No filter is stored under '{name}'.");
}

public sealed record FilterBody(string Expression, string? Description);
public sealed record FilterMatches(string Name, int Total, string[] ItemIds);

public sealed record FilterResponse(string Name, string Expression, string? Description, DateTimeOffset UpdatedAt, string[] Parameters, string[] UserProperties)
{
    public static FilterResponse From(FilterDefinition f)
    {
        var parsed = Filter.Parse(f.Expression);
        return new(f.Name, f.Expression, f.Description, f.UpdatedAt, [.. parsed.Parameters], [.. parsed.UserProperties]);
    }
}
