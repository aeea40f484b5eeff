using Microsoft.AspNetCore.Http.HttpResults;
using Recommender.Api.OpenApi;
using Recommender.Api.Validation;
using Recommender.Grains.Domain;
using Recommender.Grains.Users;

namespace Recommender.Api.Users;

public static class UserEndpoints
{
    public const int MaxK = 100;

    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/users/{userId}").WithTags("Users").RequireAuthorization(Security.ApiPolicies.ByRoute);
        group.MapGet("/recommendations", GetRecommendations).WithName("GetRecommendations").WithFilterParameters()
            .WithSummary("The user's top-k items")
            .WithDescription("Excludes items the user interacted with and items that may not be served (deleted, hidden, outside their availability window); `category` filters, `filter` is an expression (docs/FILTERS.md) and `filterName` a stored one, `param.<name>` binds a $parameter, `exclude` is a comma-separated list of item ids, `explain` adds a reason per item, `exploration` (0–1; default `Recommender:Exploration:Share`) gives round(k·exploration) evenly spread places to new items (`isNew`, reason \"new\").");
        group.MapGet("/recommendations/next", GetNext).WithName("GetNextRecommendations")
            .WithSummary("The next k items of a list served earlier (same query, no item repeated)")
            .WithDescription("`recommendationId` is the id of an earlier answer (kept in memory by the user's grain: the last `Recommender:Impressions:ListsPerUser` (8) lists, `Window` (30 min) after their last page); an unknown or expired id is a 404. The answer carries the same id; an exhausted list answers no items.")
            .ProducesProblem(404);
        group.MapGet("/", GetProfile).WithName("GetUserProfile").WithSummary("Counts per event type, top categories and recent interactions")
            .ProducesProblem(404);
        group.MapPut("/properties", PutProperties).WithName("PutUserProperties").WithSummary("Replace the user's properties (a JSON object of named values)")
            .Accepts<Dictionary<string, object>>("application/json");
        group.MapPatch("/properties", PatchProperties).WithName("PatchUserProperties").WithSummary("Update the user's properties by a JSON Merge Patch (null removes a name)")
            .Accepts<Dictionary<string, object>>("application/merge-patch+json", "application/json");
        group.MapGet("/export", Export).WithName("ExportUser").WithSummary("Everything held about the user")
            .ProducesProblem(404);
        group.MapDelete("/", Forget).WithName("DeleteUser").WithSummary("Erase the user's state and events (also from the next training)");
        return routes;
    }

    public static async Task<Results<Ok<Ranking>, ValidationProblem>> GetRecommendations(string userId, IGrainFactory grains, HttpRequest request,
        string? k, string? category, string? exclude, string? explain, string? offset, string? rotation, string? rules, string? exploration)
    {
        var errors = new ValidationErrors();
        errors.Id("userId", userId);
        var size = QueryValues.Int(k, "k", 10, 1, MaxK, errors);
        var withReasons = QueryValues.Bool(explain, "explain", true, errors);
        var skip = QueryValues.Int(offset, "offset", 0, 0, MaxOffset, errors);
        bool? rotate = rotation is null ? null : QueryValues.Bool(rotation, "rotation", false, errors);
        var applyRules = QueryValues.Bool(rules, "rules", true, errors);
        var share = QueryValues.Fraction(exploration, "exploration", errors);
        if (category is { Length: > 128 }) errors.Add("category", "category must be at most 128 characters.");
        var excluded = string.IsNullOrWhiteSpace(exclude) ? [] : exclude.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (excluded.Length > 1000) errors.Add("exclude", "exclude lists at most 1000 item ids.");
        else foreach (var id in excluded) if (!errors.Id("exclude", id)) break;
        var filters = Filters.FilterQuery.Read(request.Query, errors);
        if (errors.Any) return errors.ToResult();

        var ranking = await grains.GetGrain<IUserGrain>(userId).Recommend(filters.ApplyTo(new RecommendQuery
        {
            K = size, Category = string.IsNullOrWhiteSpace(category) ? null : category, Exclude = excluded, Explain = withReasons,
            Offset = skip, Rotation = rotate, ApplyRules = applyRules, Exploration = share,
        }));
        return TypedResults.Ok(ranking);
    }

    public const int MaxOffset = 1000;

    private static async Task<Results<Ok<Ranking>, ValidationProblem, ProblemHttpResult>> GetNext(string userId, IGrainFactory grains, string? recommendationId, string? k,
        Microsoft.Extensions.Options.IOptions<Grains.Impressions.ImpressionOptions> impressions)
    {
        var errors = new ValidationErrors();
        errors.Id("userId", userId);
        var size = QueryValues.Int(k, "k", 10, 1, MaxK, errors);
        if (string.IsNullOrEmpty(recommendationId)) errors.Add("recommendationId", "recommendationId is required: the id of an earlier recommendations answer.");
        else if (recommendationId.Length > 64 || !recommendationId.All(char.IsAsciiLetterOrDigit)) errors.Add("recommendationId", "recommendationId is the id an earlier answer carried (letters and digits).");
        if (errors.Any) return errors.ToResult();
        var ranking = await grains.GetGrain<IUserGrain>(userId).Next(recommendationId!, size);
        return ranking is null
            ? TypedResults.Problem(statusCode: 404, title: "Unknown recommendationId.",
                detail: $"recommendationId '{recommendationId}' is not known for user '{userId}': it expired ({impressions.Value.Window.TotalMinutes:0.##} minutes after its last page), was pushed out by {impressions.Value.ListsPerUser} newer lists, or the user's grain was deactivated. Ask for new recommendations.",
                extensions: new Dictionary<string, object?> { ["field"] = "recommendationId" })
            : TypedResults.Ok(ranking);
    }

    private static async Task<Results<Ok<ProfileResponse>, ValidationProblem, ProblemHttpResult>> GetProfile(string userId, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        if (!errors.Id("userId", userId)) return errors.ToResult();
        var profile = await grains.GetGrain<IUserGrain>(userId).GetProfile();
        return profile is null
            ? TypedResults.Problem(statusCode: 404, title: "Unknown user.", detail: $"No events were recorded for user '{userId}'.")
            : TypedResults.Ok(ProfileResponse.From(profile));
    }

    private static async Task<Results<Ok<ProfileResponse>, ValidationProblem, ProblemHttpResult>> PutProperties(string userId, HttpRequest request, IGrainFactory grains, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        errors.Id("userId", userId);
        var (document, problem) = await JsonBody.ReadAsync(request, ct);
        if (problem is not null) return problem;
        using var _ = document;
        var bag = Rules.PropertyBag.Parse(document!.RootElement, "properties", errors.Add);
        if (errors.Any || bag is null) return errors.ToResult();
        var profile = await grains.GetGrain<IUserGrain>(userId).SetProperties(bag.Count == 0 ? null : bag.ToJson());
        return TypedResults.Ok(ProfileResponse.From(profile));
    }

    private static async Task<Results<Ok<ProfileResponse>, ValidationProblem, ProblemHttpResult>> PatchProperties(string userId, HttpRequest request, IGrainFactory grains, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        errors.Id("userId", userId);
        var (document, problem) = await JsonBody.ReadAsync(request, ct);
        if (problem is not null) return problem;
        using var _ = document;
        Rules.PropertyBag.MergePatch(Rules.PropertyBag.Empty, document!.RootElement, "properties", errors.Add);
        if (errors.Any) return errors.ToResult();
        var (profile, field, reason) = await grains.GetGrain<IUserGrain>(userId).PatchProperties(document.RootElement.GetRawText());
        if (profile is null)
        {
            errors.Add(field ?? "properties", reason ?? "The merged properties break a limit.");
            return errors.ToResult();
        }
        return TypedResults.Ok(ProfileResponse.From(profile));
    }

    private static async Task<Results<Ok<ExportResponse>, ValidationProblem, ProblemHttpResult>> Export(string userId, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        if (!errors.Id("userId", userId)) return errors.ToResult();
        var export = await grains.GetGrain<IUserGrain>(userId).Export();
        return export is null
            ? TypedResults.Problem(statusCode: 404, title: "Unknown user.", detail: $"Nothing is held about user '{userId}'.")
            : TypedResults.Ok(new ExportResponse(
                ProfileResponse.From(export.Profile),
                export.Items.ToDictionary(i => i.Key, i => new ItemAffinityResponse(i.Value.Strength, DateTimeOffset.FromUnixTimeMilliseconds(i.Value.LastAt), i.Value.Negative)),
                export.CategoryWeights, export.Embedding, export.LastRanking,
                Array.ConvertAll(export.Events, EventResponse.From)));
    }

    private static async Task<Results<NoContent, ValidationProblem>> Forget(string userId, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        if (!errors.Id("userId", userId)) return errors.ToResult();
        await grains.GetGrain<IUserGrain>(userId).Forget();
        return TypedResults.NoContent();
    }
}

public sealed record EventResponse(string ItemId, string Type, float? Value, DateTimeOffset Timestamp, string? EventId)
{
    public static EventResponse From(InteractionEvent e) =>
        new(e.ItemId, e.Type.ToWire(), e.Type == EventType.Rating || e.Value != 0f ? e.Value : null, e.Time, e.EventId);
}

public sealed record ProfileResponse(
    string UserId, DateTimeOffset FirstSeen, DateTimeOffset LastSeen, int TotalEvents,
    Dictionary<string, int> Counts, CategoryWeight[] TopCategories, EventResponse[] Recent, long ModelVersion,
    System.Text.Json.JsonElement Properties)
{
    private static readonly System.Text.Json.JsonElement NoProperties = System.Text.Json.JsonDocument.Parse("{}").RootElement.Clone();

    public static ProfileResponse From(UserProfile p) =>
        new(p.UserId, p.FirstSeen, p.LastSeen, p.TotalEvents, p.Counts, p.TopCategories, Array.ConvertAll(p.Recent, EventResponse.From), p.ModelVersion,
            p.Properties is { } json ? System.Text.Json.JsonDocument.Parse(json).RootElement.Clone() : NoProperties);
}

public sealed record ItemAffinityResponse(float Strength, DateTimeOffset LastAt, bool Negative);

public sealed record ExportResponse(
    ProfileResponse Profile, Dictionary<string, ItemAffinityResponse> Items, Dictionary<string, float> CategoryWeights,
    float[]? Embedding, string[] LastRanking, EventResponse[] Events);
