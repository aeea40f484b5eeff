namespace Recommender.Client.Api;

/// <summary>Body of <c>PUT /api/v1/items/{itemId}</c> (the id travels in the route).</summary>
public sealed record ItemMetadata(string? Title, IReadOnlyList<string> Categories, DateTimeOffset? CreatedAt = null);

/// <summary>One element of the <c>POST /api/v1/items</c> batch.</summary>
public sealed record ItemUpsert(string ItemId, string? Title, IReadOnlyList<string> Categories, DateTimeOffset? CreatedAt = null);

/// <summary>Answer of <c>POST /api/v1/items</c>.</summary>
public sealed record ItemsUpserted(int Upserted);

/// <summary><c>GET /api/v1/items/{itemId}</c> and the elements of the item listing.</summary>
public sealed record Item(
    string ItemId,
    string? Title,
    IReadOnlyList<string>? Categories,
    DateTimeOffset? CreatedAt,
    IReadOnlyDictionary<string, long>? Counts,
    double? Popularity);

/// <summary><c>GET /api/v1/items?category=&amp;sort=&amp;limit=&amp;offset=</c>.</summary>
public sealed record ItemPage(long Total, IReadOnlyList<Item> Items);

/// <summary>A ranked item of the popular and similar lists.</summary>
public sealed record ScoredItem(int Rank, string ItemId, string? Title, IReadOnlyList<string>? Categories, double Score);

/// <summary><c>GET /api/v1/items/{itemId}/similar</c>.</summary>
public sealed record SimilarItems(string ItemId, IReadOnlyList<ScoredItem> Items);

/// <summary><c>GET /api/v1/popular</c>.</summary>
public sealed record PopularItems(IReadOnlyList<ScoredItem> Items);

/// <summary>Sort order of the item listing.</summary>
public enum ItemSort
{
    /// <summary>Most popular first (decayed popularity).</summary>
    Popular,

    /// <summary>By item id, ordinal: stable, for paging through everything.</summary>
    Id,
}
