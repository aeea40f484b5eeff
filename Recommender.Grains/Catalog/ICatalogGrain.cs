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

    Task<ItemPage> List(string? category, ItemSort sort, int offset, int limit);

    Task<RankedItem[]> Popular(int k, string? category);

    Task<RankedItem[]> Similar(string itemId, int k);

    Task<string[]> Categories();

    /// <summary>Number of items this silo's index holds.</summary>
    Task<int> Count();
}

[GenerateSerializer, Alias("reco.ItemSort")]
public enum ItemSort { Popular, Id }

[GenerateSerializer, Alias("reco.ItemPage"), Immutable]
public sealed record ItemPage([property: Id(0)] int Total, [property: Id(1)] ItemRecord[] Items);
