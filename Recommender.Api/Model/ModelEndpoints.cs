using Recommender.Grains.Model;

using Recommender.Api.Validation;

namespace Recommender.Api.Model;

public static class ModelEndpoints
{
    public static IEndpointRouteBuilder MapModelApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/model").WithTags("Model").RequireAuthorization(Security.ApiPolicies.ByRoute);
        group.MapGet("/", async (IGrainFactory grains) => TypedResults.Ok(await Model(grains).GetStatus()))
            .WithSummary("The current model: version, training time, events since, online hit-rate, last evaluation")
            .Produces<ModelStatus>();
        group.MapPost("/retrain", Retrain)
            .WithSummary("Retrain from the whole event log; ?wait=true answers when the new version is published")
            .Produces<ModelStatus>(StatusCodes.Status202Accepted).Produces<ModelStatus>();
        group.MapPost("/evaluation", async (IGrainFactory grains, Dictionary<string, double> figures) =>
        {
            await Model(grains).ReportEvaluation(figures);
            return TypedResults.NoContent();
        }).WithSummary("Record the figures of an evaluation run (used by reco evaluate)");
        return routes;
    }

    private static IModelGrain Model(IGrainFactory grains) => grains.GetGrain<IModelGrain>(ModelGrain.Key);

    private static async Task<IResult> Retrain(IGrainFactory grains, string? wait)
    {
        var errors = new ValidationErrors();
        var untilPublished = QueryValues.Bool(wait, "wait", false, errors);
        if (errors.Any) return errors.ToResult();
        var status = await Model(grains).Retrain(untilPublished, "api request");
        return untilPublished ? TypedResults.Ok(status) : TypedResults.Accepted("/api/v1/model", status);
    }
}
