using Microsoft.AspNetCore.Http.HttpResults;
using Recommender.Api.OpenApi;
using System.Text.Json;
using Recommender.Api.Filters;
using Recommender.Api.Validation;
using Recommender.Grains;
using Recommender.Grains.Catalog;
using Recommender.Grains.Domain;
using Recommender.Grains.Items;
using Recommender.Grains.Users;
using Microsoft.Extensions.Options;

namespace Recommender.Api.Items;

public static class ItemEndpoints
{

    public static IEndpointRouteBuilder MapItemsApi(this IEndpointRouteBuilder routes)
    {
        var items = routes.MapGroup("/api/v1/items").WithTags("Items").RequireAuthorization(Security.ApiPolicies.ByRoute);
        items.MapPut("/{itemId}", Put).WithName("PutItem").WithSummary("Create or describe an item")
            .Accepts<ItemBody>("application/json");
        items.MapPost("/", PostMany).WithName("UpsertItems").WithSummary("Create or describe up to 10,000 items")
            .Accepts<ItemBatchEntry[]>("application/json");
        items.MapPatch("/{itemId}", Patch).WithName("PatchItem").WithSummary("Update an item by a JSON Merge Patch (RFC 7396): title, categories, properties, hidden, availableFrom, expiresAt")
            .Accepts<ItemPatchBody>("application/merge-patch+json", "application/json").ProducesProblem(404);
        items.MapDelete("/{itemId}", Delete).WithName("DeleteItem").WithSummary("Delete an item: gone from every ranking, list and the next training (its events stay in users' logs)")
            .ProducesProblem(404);
        items.MapGet("/{itemId}", Get).WithName("GetItem").WithSummary("One item with its counters and popularity")
            .ProducesProblem(404);
        items.MapGet("/", List).WithName("ListItems").WithFilterParameters().WithSummary("Items, optionally of one category, sorted by popularity or id");
        items.MapGet("/{itemId}/similar", Similar).WithName("GetSimilarItems").WithFilterParameters().WithSummary("Items similar to this one");
        items.MapGet("/latest", Latest).WithName("GetLatestItems").WithFilterParameters().WithSummary("The newest servable items (by createdAt), with the same filters as recommendations");
        routes.MapGet("/api/v1/popular", Popular).WithName("GetPopular").WithFilterParameters().WithTags("Items").WithSummary("The most popular items (decayed popularity)");
        routes.MapGet("/api/v1/categories", Categories).WithName("ListCategories").WithTags("Items").WithSummary("Every category, most used first");
        return routes;
    }

    private static ICatalogGrain Catalog(IGrainFactory grains) => grains.GetGrain<ICatalogGrain>(CatalogGrain.Key);

    private static async Task<Results<Ok<ItemResponse>, ValidationProblem, ProblemHttpResult>> Put(string itemId, HttpRequest request, IGrainFactory grains, IOptions<RecommenderOptions> options, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        errors.Id("itemId", itemId);
        var (document, problem) = await JsonBody.ReadAsync(request, ct);
        if (problem is not null) return problem;
        using var _ = document;
        var metadata = ItemParser.Parse(document!.RootElement, "", itemId, errors);
        if (errors.Any || metadata is null) return errors.ToResult();
        var record = await grains.GetGrain<IItemGrain>(itemId).Upsert(metadata);
        return TypedResults.Ok(ItemResponse.From(record, options.Value));
    }

    private static async Task<Results<Ok<ItemsUpserted>, ValidationProblem, ProblemHttpResult>> PostMany(HttpRequest request, IGrainFactory grains, CancellationToken ct)
    {
        var (document, problem) = await JsonBody.ReadAsync(request, ct);
        if (problem is not null) return problem;
        using var _ = document;
        var root = document!.RootElement;
        var errors = new ValidationErrors();
        var parsed = new List<ItemMetadata>();
        JsonBatch.ForEach(root, "items", (element, prefix) =>
        {
            if (ItemParser.Parse(element, prefix, null, errors) is { } item) parsed.Add(item);
        }, errors);
        if (errors.Any) return errors.ToResult();
        var count = await Catalog(grains).UpsertMany([.. parsed]);
        return TypedResults.Ok(new ItemsUpserted(count));
    }

    private static async Task<Results<Ok<ItemResponse>, ValidationProblem, ProblemHttpResult>> Get(string itemId, IGrainFactory grains, IOptions<RecommenderOptions> options)
    {
        var errors = new ValidationErrors();
        if (!errors.Id("itemId", itemId)) return errors.ToResult();
        var record = await grains.GetGrain<IItemGrain>(itemId).Get();
        return record is null || record.Deleted ? Unknown(itemId, record) : TypedResults.Ok(ItemResponse.From(record, options.Value));
    }

    private static async Task<Results<Ok<ItemResponse>, ValidationProblem, ProblemHttpResult>> Patch(string itemId, HttpRequest request, IGrainFactory grains, IOptions<RecommenderOptions> options, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        errors.Id("itemId", itemId);
        var (document, problem) = await JsonBody.ReadAsync(request, ct);
        if (problem is not null) return problem;
        using var _ = document;
        var patch = ItemParser.ParsePatch(document!.RootElement, errors);
        if (errors.Any || patch is null) return errors.ToResult();
        var result = await grains.GetGrain<IItemGrain>(itemId).Patch(patch);
        if (result is null) return Unknown(itemId, await grains.GetGrain<IItemGrain>(itemId).Get());
        if (result.Record is null)
        {
            errors.Add(result.ErrorField ?? "properties", result.Error ?? "The merged properties break a limit.");
            return errors.ToResult();
        }
        return TypedResults.Ok(ItemResponse.From(result.Record, options.Value));
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Delete(string itemId, IGrainFactory grains)
    {
        var errors = new ValidationErrors();
        if (!errors.Id("itemId", itemId)) return errors.ToResult();
        var item = grains.GetGrain<IItemGrain>(itemId);
        return await item.Delete() ? TypedResults.NoContent() : Unknown(itemId, await item.Get());
    }

    private static ProblemHttpResult Unknown(string itemId, ItemRecord? record) => record is { Deleted: true }
        ? TypedResults.Problem(statusCode: 404, title: "Deleted item.", detail: $"Item '{itemId}' was deleted; a PUT describes it again.")
        : TypedResults.Problem(statusCode: 404, title: "Unknown item.", detail: $"No item '{itemId}' was described or interacted with.");

    private static async Task<Results<Ok<ItemListResponse>, ValidationProblem>> List(IGrainFactory grains, IOptions<RecommenderOptions> options, HttpRequest request, string? category, string? sort, string? limit, string? offset)
    {
        var errors = new ValidationErrors();
        var order = ItemSort.Popular;
        // By name only: Enum.TryParse also took "5" and the flag list "popular,id".
        if (sort is not null && !ItemSorts.TryParse(sort, out order)) errors.Add("sort", "sort must be 'popular' or 'id'.");
        var take = QueryValues.Int(limit, "limit", 50, 1, 1000, errors);
        var skip = QueryValues.Int(offset, "offset", 0, 0, int.MaxValue, errors);
        var rules = FilterQuery.Read(request.Query, errors);
        if (errors.Any) return errors.ToResult();
        var page = await Catalog(grains).List(string.IsNullOrWhiteSpace(category) ? null : category, order, skip, take, rules.ApplyTo(new RecommendQuery()));
        return TypedResults.Ok(new ItemListResponse(page.Total, [.. page.Items.Select(r => ItemResponse.From(r, options.Value))]));
    }

    private static async Task<Results<Ok<SimilarResponse>, ValidationProblem>> Similar(string itemId, IGrainFactory grains, HttpRequest request, string? k, string? category)
    {
        var errors = new ValidationErrors();
        errors.Id("itemId", itemId);
        var size = QueryValues.Int(k, "k", 10, 1, 100, errors);
        var rules = FilterQuery.Read(request.Query, errors);
        if (errors.Any) return errors.ToResult();
        return TypedResults.Ok(new SimilarResponse(itemId, await Catalog(grains).Similar(itemId, rules.ApplyTo(Query(size, category)))));
    }

    private static async Task<Results<Ok<PopularResponse>, ValidationProblem>> Popular(IGrainFactory grains, HttpRequest request, string? k, string? category)
    {
        var errors = new ValidationErrors();
        var size = QueryValues.Int(k, "k", 10, 1, 1000, errors);
        var rules = FilterQuery.Read(request.Query, errors);
        if (errors.Any) return errors.ToResult();
        return TypedResults.Ok(new PopularResponse(await Catalog(grains).Popular(rules.ApplyTo(Query(size, category)))));
    }

    private static async Task<Results<Ok<PopularResponse>, ValidationProblem>> Latest(IGrainFactory grains, HttpRequest request, string? k, string? category)
    {
        var errors = new ValidationErrors();
        var size = QueryValues.Int(k, "k", 10, 1, 1000, errors);
        var rules = FilterQuery.Read(request.Query, errors);
        if (errors.Any) return errors.ToResult();
        return TypedResults.Ok(new PopularResponse(await Catalog(grains).Latest(rules.ApplyTo(Query(size, category)))));
    }

    private static RecommendQuery Query(int k, string? category) =>
        new() { K = k, Category = string.IsNullOrWhiteSpace(category) ? null : category };

    private static async Task<Ok<string[]>> Categories(IGrainFactory grains) => TypedResults.Ok(await Catalog(grains).Categories());
}

/// <summary>The documented sort names, case-insensitive, and nothing else.</summary>
public static class ItemSorts
{
    public static bool TryParse(string text, out ItemSort sort)
    {
        if (text.Equals("popular", StringComparison.OrdinalIgnoreCase)) { sort = ItemSort.Popular; return true; }
        if (text.Equals("id", StringComparison.OrdinalIgnoreCase)) { sort = ItemSort.Id; return true; }
        sort = ItemSort.Popular;
        return false;
    }
}

public sealed record ItemBody(string Title, string[] Categories, DateTimeOffset? CreatedAt, JsonElement? Properties, bool? Hidden,
    DateTimeOffset? AvailableFrom, DateTimeOffset? ExpiresAt);
public sealed record ItemBatchEntry(string ItemId, string Title, string[] Categories, DateTimeOffset? CreatedAt, JsonElement? Properties, bool? Hidden,
    DateTimeOffset? AvailableFrom, DateTimeOffset? ExpiresAt);
public sealed record ItemPatchBody(string? Title, string[]? Categories, JsonElement? Properties, bool? Hidden, DateTimeOffset? AvailableFrom, DateTimeOffset? ExpiresAt);
public sealed record ItemsUpserted(int Upserted);
public sealed record ItemListResponse(int Total, ItemResponse[] Items);
public sealed record SimilarResponse(string ItemId, RankedItem[] Items);
public sealed record PopularResponse(RankedItem[] Items);

public sealed record ItemResponse(
    string ItemId, string Title, string[] Categories, DateTimeOffset CreatedAt, bool HasMetadata,
    Dictionary<string, int> Counts, double Popularity, JsonElement Properties, bool Hidden,
    DateTimeOffset? AvailableFrom, DateTimeOffset? ExpiresAt, bool Available)
{
    private static readonly JsonElement NoProperties = JsonDocument.Parse("{}").RootElement.Clone();

    public static ItemResponse From(ItemRecord r, RecommenderOptions options)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return new(
            r.ItemId, r.Title, r.Categories, DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedAt), r.HasMetadata,
            EventTypes.All.ToDictionary(t => t.ToWire(), t => r.Counts[(int)t]),
            Math.Round(Grains.Items.Popularity.At(r.PopularityLog, now, options.PopularityHalfLife), 6),
            r.Properties is { } json ? JsonDocument.Parse(json).RootElement.Clone() : NoProperties,
            r.Hidden, Instant(r.AvailableFrom), Instant(r.ExpiresAt), r.IsServable(now));
    }

    private static DateTimeOffset? Instant(long? ms) => ms is { } at ? DateTimeOffset.FromUnixTimeMilliseconds(at) : null;
}
