using Microsoft.AspNetCore.Http.HttpResults;
using System.Text.Json;
using Recommender.Api.Filters;
using Recommender.Api.Validation;
using Recommender.Grains.Experiments;
using Recommender.Grains.Impressions;

namespace Recommender.Api.Experiments;

/// <summary>
/// <c>/api/v1/experiments</c>: A/B tests of serving configurations on the recommendations surface
/// (one runs at a time), their results with always-valid intervals and decision, and
/// <c>/api/v1/metrics/online</c>: the online metrics of every strategy, model version and variant.
/// Changes need the admin scope: they change what every user is served.
/// </summary>
public static class ExperimentEndpoints
{
    public const int MaxVariants = 10;

    public static IEndpointRouteBuilder MapExperimentsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/experiments").WithTags("Experiments").RequireAuthorization(Security.ApiPolicies.ByRoute);
        group.MapPost("/", Create).WithName("CreateExperiment").WithSummary("Create an experiment (and start it with \"start\": true)")
            .WithDescription("Variants are serving configurations: `strategy` (learned | popular), `popularShare` (0–1), `exploration` (0–1), `filter`, `applyRules`. Users are bucketed by a hash of experiment id and user id; `holdout` (0–0.5) keeps a share out. The decision uses a sequential test (mSPRT) valid under continuous monitoring.")
            .Accepts<ExperimentBody>("application/json").Produces<ExperimentDefinition>(201).ProducesProblem(409);
        group.MapGet("/", List).WithName("ListExperiments").WithSummary("Every experiment, newest first");
        group.MapGet("/{id}", Get).WithName("GetExperiment").WithSummary("One experiment").ProducesProblem(404);
        group.MapGet("/{id}/results", Results).WithName("GetExperimentResults").WithSummary("Per variant: users, impressions, attributed events, rates with always-valid intervals; comparisons with the control; the decision; the series over time")
            .ProducesProblem(404);
        group.MapPost("/{id}/start", Start).WithName("StartExperiment").WithSummary("Start a draft experiment (409 while another runs)").ProducesProblem(404).ProducesProblem(409);
        group.MapPost("/{id}/stop", Stop).WithName("StopExperiment").WithSummary("Stop a running experiment (everyone is served the default again)").ProducesProblem(404).ProducesProblem(409);
        group.MapPost("/{id}/winner", Winner).WithName("DeclareExperimentWinner").WithSummary("Declare a variant the winner: the experiment stops and the variant's configuration becomes everyone's default")
            .Accepts<WinnerBody>("application/json").ProducesProblem(404).ProducesProblem(409);
        group.MapDelete("/{id}", Delete).WithName("DeleteExperiment").WithSummary("Delete a stopped or draft experiment and its results").ProducesProblem(404).ProducesProblem(409);

        routes.MapGet("/api/v1/serving", Serving).WithName("GetServing").WithTags("Experiments").RequireAuthorization(Security.ApiPolicies.ByRoute)
            .WithSummary("The serving configuration users outside an experiment get (a declared winner's)");
        routes.MapGet("/api/v1/metrics/online", Online).WithName("GetOnlineMetrics").WithTags("Experiments").RequireAuthorization(Security.ApiPolicies.ByRoute)
            .WithSummary("Online metrics over a sliding window (window=5m, 1h, 24h; at most Recommender:Impressions:MetricsRetention), per strategy, model version and variant");
        return routes;
    }

    private static IExperimentsGrain Experiments(IGrainFactory grains) => grains.GetGrain<IExperimentsGrain>(ExperimentsGrain.Key);

    private static async Task<Results<Created<ExperimentDefinition>, ValidationProblem, ProblemHttpResult>> Create(HttpRequest request, IGrainFactory grains, CancellationToken ct)
    {
        var (document, problem) = await JsonBody.ReadAsync(request, ct);
        if (problem is not null) return problem;
        using var _ = document;
        var errors = new ValidationErrors();
        var experiment = ExperimentParser.Parse(document!.RootElement, errors, out var start);
        if (errors.Any) return errors.ToResult();
        var outcome = await Experiments(grains).Create(experiment!, start);
        return outcome.Status is 200 or 201
            ? TypedResults.Created($"/api/v1/experiments/{outcome.Experiment!.Id}", outcome.Experiment)
            : Refused(outcome);
    }

    private static async Task<Ok<ExperimentDefinition[]>> List(IGrainFactory grains) => TypedResults.Ok(await Experiments(grains).List());

    private static async Task<Results<Ok<ExperimentDefinition>, ValidationProblem, ProblemHttpResult>> Get(string id, IGrainFactory grains)
    {
        if (Invalid(id) is { } invalid) return invalid;
        return await Experiments(grains).Get(id) is { } experiment ? TypedResults.Ok(experiment) : Unknown(id);
    }

    private static async Task<Results<Ok<ExperimentResults>, ValidationProblem, ProblemHttpResult>> Results(string id, IGrainFactory grains)
    {
        if (Invalid(id) is { } invalid) return invalid;
        return await Experiments(grains).Results(id) is { } results ? TypedResults.Ok(results) : Unknown(id);
    }

    private static async Task<Results<Ok<ExperimentDefinition>, ValidationProblem, ProblemHttpResult>> Start(string id, IGrainFactory grains)
    {
        if (Invalid(id) is { } invalid) return invalid;
        return Answer(await Experiments(grains).Start(id));
    }

    private static async Task<Results<Ok<ExperimentDefinition>, ValidationProblem, ProblemHttpResult>> Stop(string id, IGrainFactory grains)
    {
        if (Invalid(id) is { } invalid) return invalid;
        return Answer(await Experiments(grains).Stop(id));
    }

    private static async Task<Results<Ok<ExperimentDefinition>, ValidationProblem, ProblemHttpResult>> Winner(string id, HttpRequest request, IGrainFactory grains, CancellationToken ct)
    {
        if (Invalid(id) is { } invalid) return invalid;
        var (document, problem) = await JsonBody.ReadAsync(request, ct);
        if (problem is not null) return problem;
        using var _ = document;
        var errors = new ValidationErrors();
        var root = document!.RootElement;
        if (root.ValueKind != JsonValueKind.Object) { errors.Add("body", "The body must be a JSON object {\"variant\": name}."); return errors.ToResult(); }
        var variant = JsonBody.String(root, "variant", "variant", errors);
        if (errors.Any) return errors.ToResult();
        var outcome = await Experiments(grains).DeclareWinner(id, variant!);
        if (outcome.Status == 400) { errors.Add("variant", outcome.Error!); return errors.ToResult(); }
        return Answer(outcome);
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Delete(string id, IGrainFactory grains)
    {
        if (Invalid(id) is { } invalid) return invalid;
        var outcome = await Experiments(grains).Delete(id);
        return outcome.Status == 204 ? TypedResults.NoContent() : Refused(outcome);
    }

    private static async Task<Ok<ServingConfig>> Serving(IGrainFactory grains) => TypedResults.Ok(await Experiments(grains).Default());

    private static async Task<Results<Ok<OnlineMetrics>, ValidationProblem>> Online(string? window, IGrainFactory grains, Microsoft.Extensions.Options.IOptions<ImpressionOptions> options)
    {
        var errors = new ValidationErrors();
        var span = TimeSpan.FromHours(1);
        var longest = options.Value.MetricsRetention;
        if (window is not null && !TryDuration(window, out span))
            errors.Add("window", "window is a duration: a whole number with s, m, h or d (e.g. 5m, 1h, 24h), at least 1m.");
        else if (span > longest)
            errors.Add("window", $"window is at most the metrics retention, {longest.TotalHours:0.##} h (Recommender:Impressions:MetricsRetention).");
        if (errors.Any) return errors.ToResult();
        return TypedResults.Ok(await grains.GetGrain<IOnlineMetricsGrain>(OnlineMetricsGrain.Key).Read(span));
    }

    private static bool TryDuration(string text, out TimeSpan span)
    {
        span = default;
        if (text.Length < 2 || !int.TryParse(text[..^1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) || n <= 0) return false;
        span = text[^1] switch { 's' => TimeSpan.FromSeconds(n), 'm' => TimeSpan.FromMinutes(n), 'h' => TimeSpan.FromHours(n), 'd' => TimeSpan.FromDays(n), _ => TimeSpan.Zero };
        return span >= TimeSpan.FromMinutes(1);
    }

    private static ValidationProblem? Invalid(string id)
    {
        if (FilterNames.IsValid(id)) return null;
        var errors = new ValidationErrors();
        errors.Add("id", ExperimentParser.IdRule);
        return errors.ToResult();
    }

    /// <summary>The experiment as changed, or why it could not be.</summary>
    private static Results<Ok<ExperimentDefinition>, ValidationProblem, ProblemHttpResult> Answer(ExperimentOutcome outcome) =>
        outcome.Status is 200 or 201 ? TypedResults.Ok(outcome.Experiment!) : Refused(outcome);

    private static ProblemHttpResult Refused(ExperimentOutcome outcome) => outcome.Status == 404
        ? TypedResults.Problem(statusCode: 404, title: "Unknown experiment.", detail: outcome.Error)
        : TypedResults.Problem(statusCode: outcome.Status, title: "Not possible in the experiment's state.", detail: outcome.Error);

    private static ProblemHttpResult Unknown(string id) =>
        TypedResults.Problem(statusCode: 404, title: "Unknown experiment.", detail: $"No experiment has id '{id}'.");
}

public sealed record ExperimentBody(string Id, string? Name, VariantBody[] Variants, double Holdout, string? Metric, double? Alpha, bool Start);

public sealed record VariantBody(string Name, double Share, ServingConfig? Serving);

public sealed record WinnerBody(string Variant);
