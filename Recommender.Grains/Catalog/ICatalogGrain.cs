using Recommender.Grains.Items;
using Recommender.Grains.Users;

namespace Recommender.Grains.Catalog;

/// <summary>
/// Catalog-wide reads and batch writes, answered from the local silo's item index by a
/// stateless worker (so the API needs no index of its own in cluster mode).
/// </summary>
public interface ICatalogGrain : IGrainWithIntegerKey
{
    Task<int> UpsertMany(ItemMetadata[] items);

    /// <summary>Described and interacted items (hidden and unavailable ones too: this is the catalogue, not a ranking; deleted ones not), filtered by <paramref name="rules"/>.</summary>
    Task<ItemPage> List(string? category, ItemSort sort, int offset, int limit, RecommendQuery? rules = null);

    /// <summary>The most popular servable items that pass the query's rules (K, category, filter).</summary>
    Task<RankedItem[]> Popular(RecommendQuery query);

    Task<RankedItem[]> Similar(string itemId, RecommendQuery query);

    /// <summary>The newest servable items (by createdAt) that pass the query's rules.</summary>
    Task<RankedItem[]> Latest(RecommendQuery query);

    Task<string[]> Categories();

    /// <summary>Number of items this silo's index holds.</summary>
    Task<int> Count();
}

[GenerateSerializer, Alias("reco.ItemSort")]
public enum ItemSort { Popular, Id }

[GenerateSerializer, Alias("reco.ItemPage"), Immutable]
public sealed record ItemPage([property: Id(0)] int Total, [property: Id(1)] ItemRecord[] Items);
