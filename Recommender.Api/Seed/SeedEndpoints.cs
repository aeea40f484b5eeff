using Microsoft.AspNetCore.Http.HttpResults;
using System.Text.Json;
using Recommender.Api.Events;
using Recommender.Silo.Health;
using Recommender.Api.Validation;
using Recommender.Grains.Users;

namespace Recommender.Api.Seed;

/// <summary>
/// The calls of the system this one replaces, kept verbatim (snake_case bodies) so its clients
/// keep working: <c>POST /api/v1/event</c>, <c>POST /api/v1/recommend</c>, <c>GET /api/v1/health</c>.
/// </summary>
public static class SeedEndpoints
{
    public static IEndpointRouteBuilder MapSeedApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1").WithTags("Seed-compatible").RequireAuthorization(Security.ApiPolicies.ByRoute);
        group.MapPost("/event", PostEvent).WithName("SeedRecordEvent").WithSummary("Seed call: record one event {user_id, item_id, event_type, value}")
            .Accepts<SeedEvent>("application/json");
        group.MapPost("/recommend", Recommend).WithName("SeedRecommend").WithSummary("Seed call: {user_id, num_recommendations}")
            .Accepts<SeedRecommendRequest>("application/json");
        group.MapGet("/health", HealthCheck).WithName("SeedHealth").WithSummary("Seed call: liveness, and whether the first model is published (\"model\": \"pending\" or \"v3\")");
        return routes;
    }

    /// <summary>
    /// <c>{ "status": "healthy", "model": "pending" | "v3" }</c>: the seed's call answered
    /// <c>healthy</c> whatever served; the model field says whether popularity still does. A
    /// cluster that does not answer leaves the model <c>"unknown"</c> — this is a liveness call.
    /// </summary>
    private static async Task<Ok<SeedStatus>> HealthCheck(IGrainFactory grains, CancellationToken ct)
    {
        string model;
        try
        {
            (model, _) = await ModelReadiness.ReadAsync(grains, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            model = "unknown";
        }
        return TypedResults.Ok(new SeedStatus("healthy", model));
    }

    private static async Task<Results<Ok<SeedStatus>, ValidationProblem, ProblemHttpResult>> PostEvent(HttpRequest request, EventIngest ingest, CancellationToken ct)
    {
        var (document, problem) = await JsonBody.ReadAsync(request, ct);
        if (problem is not null) return problem;
        using var _ = document;
        var errors = new ValidationErrors();
        var parsed = EventParser.Parse(document!.RootElement, "", errors, DateTimeOffset.UtcNow, "user_id", "item_id", "event_type", "recommendation_id");
        if (errors.Any || parsed is null) return errors.ToResult();
        await ingest.RecordAsync([parsed.Value]);
        return TypedResults.Ok(new SeedStatus("ok"));
    }

    private static async Task<Results<Ok<SeedRecommendations>, ValidationProblem, ProblemHttpResult>> Recommend(HttpRequest request, IGrainFactory grains, CancellationToken ct)
    {
        var (document, problem) = await JsonBody.ReadAsync(request, ct);
        if (problem is not null) return problem;
        using var _ = document;
        var root = document!.RootElement;
        var errors = new ValidationErrors();
        if (root.ValueKind != JsonValueKind.Object) { errors.Add("body", "The body must be a JSON object."); return errors.ToResult(); }
        var userId = JsonBody.String(root, "user_id", "user_id", errors);
        if (userId is not null) errors.Id("user_id", userId);
        var count = JsonBody.Number(root, "num_recommendations", "num_recommendations", errors) ?? 10;
        if (count is < 1 or > 100 || count != Math.Floor(count)) errors.Add("num_recommendations", "num_recommendations must be a whole number between 1 and 100.");
        // Beyond the seed's fields: "filter", "filter_name" and "params" ({ "name": value }), as on GET …/recommendations.
        var filter = JsonBody.String(root, "filter", "filter", errors, required: false);
        var filterName = JsonBody.String(root, "filter_name", "filter_name", errors, required: false);
        var parameters = new List<(string, string?)>();
        if (root.TryGetProperty("params", out var bound) && bound.ValueKind != JsonValueKind.Null)
        {
            if (bound.ValueKind != JsonValueKind.Object) errors.Add("params", "params must be a JSON object of named values.");
            else foreach (var p in bound.EnumerateObject())
            {
                try { parameters.Add((p.Name, p.Value.GetRawText())); }
                catch (InvalidOperationException) { errors.Add("params", "params must be valid UTF-8 text."); break; }
            }
        }
        var rules = Filters.FilterQuery.Read(filter, filterName, parameters, errors);
        if (errors.Any) return errors.ToResult();
        var ranking = await grains.GetGrain<IUserGrain>(userId!).Recommend(rules.ApplyTo(new RecommendQuery { K = (int)count, Source = "seed" }));
        return TypedResults.Ok(new SeedRecommendations(userId!,
            [.. ranking.Items.Select(i => new SeedRecommendation(i.ItemId, i.Score, i.Title, i.Categories))], ranking.RecommendationId));
    }
}

public sealed record SeedStatus(string Status, [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Model = null);
public sealed record SeedEvent(string user_id, string item_id, string event_type, double? value);
public sealed record SeedRecommendRequest(string user_id, int num_recommendations);
public sealed record SeedRecommendation(
    [property: System.Text.Json.Serialization.JsonPropertyName("item_id")] string ItemId,
    float Score, string Title, string[] Categories);
public sealed record SeedRecommendations(
    [property: System.Text.Json.Serialization.JsonPropertyName("user_id")] string UserId,
    SeedRecommendation[] Recommendations,
    // Beyond the seed's shape: the served list's id (an event's "recommendationId" attributes it).
    [property: System.Text.Json.Serialization.JsonPropertyName("recommendation_id")] string? RecommendationId = null);
