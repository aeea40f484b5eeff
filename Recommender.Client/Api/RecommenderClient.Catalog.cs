using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace Recommender.Client.Api;

/// <summary>The catalogue's rules: item properties, patches, deletes, the newest items and stored filters (docs/FILTERS.md).</summary>
public sealed partial class RecommenderClient
{
    /// <summary>Items with their properties, narrowed by a category and a filter.</summary>
    public Task<CatalogPage> ListCatalogAsync(string? category = null, FilterSpec? filter = null, int limit = 50, int offset = 0, ItemSort sort = ItemSort.Popular, CancellationToken ct = default)
    {
        var query = new QueryBuilder()
            .Add("category", category)
            .Add("sort", sort == ItemSort.Popular ? "popular" : "id")
            .Add("limit", limit.ToString(CultureInfo.InvariantCulture))
            .Add("offset", offset.ToString(CultureInfo.InvariantCulture));
        AddFilter(query, filter);
        return SendAsync<CatalogPage>(HttpMethod.Get, $"api/v1/items{query}", null, ct);
    }

    /// <summary>The item with its properties, or null when it is unknown or deleted (404).</summary>
    public Task<CatalogItem?> GetCatalogItemAsync(string itemId, CancellationToken ct = default) =>
        SendOrNullOnNotFoundAsync<CatalogItem>($"api/v1/items/{Escape(itemId)}", ct);

    /// <summary>PUT: describes the item whole (title, categories, properties, hidden, availableFrom, expiresAt).</summary>
    public Task<CatalogItem> PutCatalogItemAsync(string itemId, JsonObject body, CancellationToken ct = default) =>
        SendAsync<CatalogItem>(HttpMethod.Put, $"api/v1/items/{Escape(itemId)}", body, ct);

    /// <summary>PATCH: a JSON Merge Patch (a null removes a property or clears a field).</summary>
    public Task<CatalogItem> PatchItemAsync(string itemId, JsonObject patch, CancellationToken ct = default) =>
        SendAsync<CatalogItem>(HttpMethod.Patch, $"api/v1/items/{Escape(itemId)}", patch, ct);

    /// <summary>Deletes the item from every ranking and list; false when the service did not know it (404).</summary>
    public async Task<bool> DeleteItemAsync(string itemId, CancellationToken ct = default)
    {
        using var response = await SendRawAsync(HttpMethod.Delete, $"api/v1/items/{Escape(itemId)}", null, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound) return false;
        await ThrowIfErrorAsync(response, ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>The newest servable items, newest first.</summary>
    public Task<PopularItems> GetLatestAsync(int k = 10, string? category = null, FilterSpec? filter = null, CancellationToken ct = default)
    {
        var query = new QueryBuilder().Add("k", k.ToString(CultureInfo.InvariantCulture)).Add("category", category);
        AddFilter(query, filter);
        return SendAsync<PopularItems>(HttpMethod.Get, $"api/v1/items/latest{query}", null, ct);
    }

    /// <summary>Every stored filter.</summary>
    public Task<StoredFilter[]> ListFiltersAsync(CancellationToken ct = default) =>
        SendAsync<StoredFilter[]>(HttpMethod.Get, "api/v1/filters", null, ct);

    /// <summary>The stored filter, or null when none has that name (404).</summary>
    public Task<StoredFilter?> GetFilterAsync(string name, CancellationToken ct = default) =>
        SendOrNullOnNotFoundAsync<StoredFilter>($"api/v1/filters/{Escape(name)}", ct);

    /// <summary>Creates or replaces the stored filter <paramref name="name"/>; an invalid expression is a 400 naming the position and the reason.</summary>
    public Task<StoredFilter> PutFilterAsync(string name, string expression, string? description = null, CancellationToken ct = default) =>
        SendAsync<StoredFilter>(HttpMethod.Put, $"api/v1/filters/{Escape(name)}", new JsonObject { ["expression"] = expression, ["description"] = description }, ct);

    /// <summary>Removes the stored filter; false when none has that name (404).</summary>
    public async Task<bool> DeleteFilterAsync(string name, CancellationToken ct = default)
    {
        using var response = await SendRawAsync(HttpMethod.Delete, $"api/v1/filters/{Escape(name)}", null, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound) return false;
        await ThrowIfErrorAsync(response, ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>How many items the stored filter keeps now, and the first <paramref name="limit"/> by popularity.</summary>
    public Task<FilterMatches> GetFilterItemsAsync(string name, int limit = 10, IReadOnlyDictionary<string, string>? parameters = null, CancellationToken ct = default)
    {
        var query = new QueryBuilder().Add("limit", limit.ToString(CultureInfo.InvariantCulture));
        AddFilter(query, new FilterSpec(Parameters: parameters));
        return SendAsync<FilterMatches>(HttpMethod.Get, $"api/v1/filters/{Escape(name)}/items{query}", null, ct);
    }

    private static void AddFilter(QueryBuilder query, FilterSpec? filter)
    {
        if (filter is null) return;
        query.Add("filter", filter.Filter).Add("filterName", filter.FilterName);
        foreach (var (name, value) in filter.Parameters ?? new Dictionary<string, string>()) query.Add("param." + name, value);
    }
}
