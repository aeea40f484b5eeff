using Microsoft.AspNetCore.Http.HttpResults;
using System.Text.Json;
using Recommender.Api.Validation;
using Recommender.Grains.Rules;

namespace Recommender.Api.Filters;

/// <summary>
/// The calls every kind of stored rule answers — list, get, put (replace) and delete, by name —
/// over <see cref="IRulesGrain"/>. A kind gives its name, its calls on the grain, its response shape
/// and the reader of its body; filters, promotions and boosts map through it.
/// </summary>
/// <param name="kind">"filter", "promotion", "boost": in summaries and the 404's wording.</param>
/// <param name="bodyShape">The body's fields, for the error when the body is not a JSON object.</param>
/// <param name="read">The definition the body describes, or null with the errors added.</param>
internal sealed class StoredRules<TDefinition, TBody, TResponse>(
    string kind,
    Func<IRulesGrain, Task<TDefinition[]>> all,
    Func<TDefinition, string> nameOf,
    Func<IRulesGrain, TDefinition, Task> put,
    Func<IRulesGrain, string, Task<bool>> delete,
    Func<TDefinition, TResponse> respond,
    string bodyShape,
    Func<string, JsonElement, ValidationErrors, IRulesGrain, Task<TDefinition?>> read) where TDefinition : class where TBody : notnull
{
    public RouteGroupBuilder Map(IEndpointRouteBuilder routes, string path, string tag, string listSummary)
    {
        var group = routes.MapGroup(path).WithTags(tag).RequireAuthorization(Security.ApiPolicies.ByRoute);
        // Operation ids: ListFilters, GetFilter, PutFilter, DeleteFilter (and the same for the other kinds).
        var name = char.ToUpperInvariant(kind[0]) + kind[1..];
        group.MapGet("/", List).WithName($"List{name}s").WithSummary(listSummary);
        group.MapGet("/{name}", Get).WithName($"Get{name}").WithSummary($"One {kind}").ProducesProblem(404);
        group.MapPut("/{name}", Put).WithName($"Put{name}").WithSummary($"Store a {kind} under a name (replaces one of that name)")
            .Accepts<TBody>("application/json");
        group.MapDelete("/{name}", Delete).WithName($"Delete{name}").WithSummary($"Remove a {kind}").ProducesProblem(404);
        return group;
    }

    private static IRulesGrain Rules(IGrainFactory grains) => grains.GetGrain<IRulesGrain>(RulesGrain.Key);

    private async Task<Ok<TResponse[]>> List(IGrainFactory grains) =>
        TypedResults.Ok((await all(Rules(grains))).Select(respond).ToArray());

    private async Task<Results<Ok<TResponse>, ValidationProblem, ProblemHttpResult>> Get(string name, IGrainFactory grains)
    {
        if (InvalidName(name) is { } invalid) return invalid;
        var rule = (await all(Rules(grains))).FirstOrDefault(r => nameOf(r) == name);
        return rule is null ? Unknown(name) : TypedResults.Ok(respond(rule));
    }

    private async Task<Results<Ok<TResponse>, ValidationProblem, ProblemHttpResult>> Put(string name, HttpRequest request, IGrainFactory grains, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (!FilterNames.IsValid(name)) errors.Add("name", FilterNames.Rule);
        var (document, problem) = await JsonBody.ReadAsync(request, ct);
        if (problem is not null) return problem;
        using var _ = document;
        var root = document!.RootElement;
        if (root.ValueKind != JsonValueKind.Object) { errors.Add("body", $"The body must be a JSON object {bodyShape}."); return errors.ToResult(); }
        var definition = await read(name, root, errors, Rules(grains));
        if (errors.Any || definition is null) return errors.ToResult();
        await put(Rules(grains), definition);
        return TypedResults.Ok(respond(definition));
    }

    private async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Delete(string name, IGrainFactory grains)
    {
        if (InvalidName(name) is { } invalid) return invalid;
        return await delete(Rules(grains), name) ? TypedResults.NoContent() : Unknown(name);
    }

    private static ValidationProblem? InvalidName(string name)
    {
        if (FilterNames.IsValid(name)) return null;
        var errors = new ValidationErrors();
        errors.Add("name", FilterNames.Rule);
        return errors.ToResult();
    }

    public ProblemHttpResult Unknown(string name) =>
        TypedResults.Problem(statusCode: 404, title: $"Unknown {kind}.", detail: $"No {kind} is stored under '{name}'.");
}
