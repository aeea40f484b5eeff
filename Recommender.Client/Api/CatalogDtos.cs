using System.Text.Json;

namespace Recommender.Client.Api;

/// <summary>An item as <c>GET /api/v1/items/{id}</c>, PUT, PATCH and the listing answer it, with its rules' fields.</summary>
public sealed record CatalogItem(
    string ItemId,
    string? Title,
    IReadOnlyList<string>? Categories,
    DateTimeOffset? CreatedAt,
    JsonElement? Properties,
    bool Hidden,
    DateTimeOffset? AvailableFrom,
    DateTimeOffset? ExpiresAt,
    bool Available,
    double? Popularity);

/// <summary><c>GET /api/v1/items</c> with its rules.</summary>
public sealed record CatalogPage(long Total, IReadOnlyList<CatalogItem> Items);

/// <summary>The rule part of a list request: an inline filter, a stored one's name and the $parameters (name → value as typed on a URL).</summary>
public sealed record FilterSpec(string? Filter = null, string? FilterName = null, IReadOnlyDictionary<string, string>? Parameters = null)
{
    /// <summary>True when nothing is set: no filter, no name, no parameter.</summary>
    public bool IsEmpty => Filter is null && FilterName is null && Parameters is not { Count: > 0 };
}

/// <summary>A stored filter (<c>/api/v1/filters/{name}</c>).</summary>
public sealed record StoredFilter(string Name, string Expression, string? Description, DateTimeOffset UpdatedAt, IReadOnlyList<string>? Parameters, IReadOnlyList<string>? UserProperties);

/// <summary><c>GET /api/v1/filters/{name}/items</c>: how many items the filter keeps, the first by popularity.</summary>
public sealed record FilterMatches(string Name, int Total, IReadOnlyList<string> ItemIds);
