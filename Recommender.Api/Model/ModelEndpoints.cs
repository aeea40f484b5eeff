using Microsoft.AspNetCore.Http.HttpResults;
using System.Text.Json;
using Recommender.Grains.Model;

using Recommender.Api.Validation;

namespace Recommender.Api.Model;

public static class ModelEndpoints
{
    public static IEndpointRouteBuilder MapModelApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/model").WithTags("Model").RequireAuthorization(Security.ApiPolicies.ByRoute);
        group.MapGet("/", async (IGrainFactory grains) => TypedResults.Ok(await Model(grains).GetStatus())).WithName("GetModel")
            .WithSummary("The current model: version, training time, events since, online hit-rate, last evaluation");
        group.MapPost("/retrain", Retrain).WithName("RetrainModel")
            .WithSummary("Retrain from the whole event log; ?wait=true answers when the new version is published");
        group.MapPost("/evaluation", ReportEvaluation).WithName("ReportEvaluation").WithSummary("Record the figures of an evaluation run (used by reco evaluate)")
            .Accepts<Dictionary<string, double>>("application/json");
        return routes;
    }

    private static IModelGrain Model(IGrainFactory grains) => grains.GetGrain<IModelGrain>(ModelGrain.Key);

    /// <summary>At most this many figures in one report (they are kept in the model's status).</summary>
    public const int MaxFigures = 100;

    /// <summary>
    /// <c>{ "name": number }</c>, each a finite JSON number: read by hand because the framework's
    /// binding took <c>"NaN"</c> and <c>"Infinity"</c> (named literals are allowed for output), after
    /// which <c>GET /api/v1/model</c> showed <c>"ndcg":"NaN"</c>.
    /// </summary>
    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ReportEvaluation(HttpRequest request, IGrainFactory grains, CancellationToken ct)
    {
        var (document, problem) = await JsonBody.ReadAsync(request, ct);
        if (problem is not null) return problem;
        using var _ = document;
        var root = document!.RootElement;
        var errors = new ValidationErrors();
        var figures = new Dictionary<string, double>(StringComparer.Ordinal);
        if (root.ValueKind != JsonValueKind.Object) errors.Add("body", "The body must be a JSON object of figures: { \"name\": number }.");
        else
        {
            foreach (var property in root.EnumerateObject())
            {
                string name;
                try { name = property.Name; }
                catch (InvalidOperationException) { errors.Add("body", "A figure's name is not valid Unicode text."); continue; }
                if (name.Length is 0 or > 128 || name.Any(char.IsControl)) { errors.Add("body", "A figure's name must be 1–128 characters without control characters."); continue; }
                var value = property.Value;
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || !double.IsFinite(number))
                    errors.Add(name, $"{name} must be a finite JSON number.");
                else figures[name] = number;
            }
            if (figures.Count > MaxFigures) errors.Add("body", $"A report holds at most {MaxFigures} figures; this one has {figures.Count}.");
        }
        if (errors.Any) return errors.ToResult();
        await Model(grains).ReportEvaluation(figures);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<ModelStatus>, Accepted<ModelStatus>, ValidationProblem>> Retrain(IGrainFactory grains, string? wait)
    {
        var errors = new ValidationErrors();
        var untilPublished = QueryValues.Bool(wait, "wait", false, errors);
        if (errors.Any) return errors.ToResult();
        var status = await Model(grains).Retrain(untilPublished, "api request");
        return untilPublished ? TypedResults.Ok(status) : TypedResults.Accepted("/api/v1/model", status);
    }
}
