using Microsoft.AspNetCore.Http.HttpResults;
using System.Text.Json;
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
    private static readonly StoredRules<FilterDefinition, FilterBody, FilterResponse> Stored = new(
        "filter", r => r.Filters(), f => f.Name, (r, f) => r.PutFilter(f), (r, name) => r.DeleteFilter(name), FilterResponse.From,
        "{\"expression\": …, \"description\": …}", Read);

    public static IEndpointRouteBuilder MapFiltersApi(this IEndpointRouteBuilder routes)
    {
        var filters = Stored.Map(routes, "/api/v1/filters", "Filters", "Every stored filter");
        filters.MapGet("/{name}/items", Items).WithName("GetFilterItems").WithSummary("How many items the stored filter keeps now, and the first of them by popularity")
            .ProducesProblem(404);
        return routes;
    }

    private static Task<FilterDefinition?> Read(string name, JsonElement root, ValidationErrors errors, IRulesGrain rules)
    {
        var expression = JsonBody.String(root, "expression", "expression", errors);
        var description = JsonBody.String(root, "description", "description", errors, required: false);
        if (description is { Length: > 1024 }) errors.Add("description", "description is at most 1024 characters.");
        if (expression is not null)
        {
            try { Filter.Parse(expression); }
            catch (FilterException e) { errors.Add("expression", e.Message); }
        }
        return Task.FromResult(errors.Any ? null : new FilterDefinition { Name = name, Expression = expression!, Description = description, UpdatedAt = DateTimeOffset.UtcNow });
    }

    private static async Task<Results<Ok<FilterMatches>, ValidationProblem, ProblemHttpResult>> Items(string name, IGrainFactory grains, HttpRequest request, string? limit)
    {
        var errors = new ValidationErrors();
        if (!FilterNames.IsValid(name)) errors.Add("name", FilterNames.Rule);
        var take = QueryValues.Int(limit, "limit", 10, 1, 1000, errors);
        var parameters = FilterQuery.Read(null, name, request.Query.Where(q => q.Key.StartsWith(FilterQuery.ParameterPrefix, StringComparison.Ordinal))
            .Select(q => (q.Key[FilterQuery.ParameterPrefix.Length..], (string?)q.Value.FirstOrDefault())), errors);
        if (errors.Any) return errors.ToResult();
        if ((await grains.GetGrain<IRulesGrain>(RulesGrain.Key).Filters()).All(f => f.Name != name)) return Stored.Unknown(name);
        var page = await grains.GetGrain<ICatalogGrain>(CatalogGrain.Key).List(null, ItemSort.Popular, 0, take, parameters.ApplyTo(new RecommendQuery()));
        return TypedResults.Ok(new FilterMatches(name, page.Total, [.. page.Items.Select(i => i.ItemId)]));
    }
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
