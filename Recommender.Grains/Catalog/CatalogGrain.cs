using Orleans.Concurrency;
using Recommender.Grains.Items;
using Recommender.Grains.Ranking;
using Recommender.Grains.Users;

namespace Recommender.Grains.Catalog;

[StatelessWorker]
public sealed class CatalogGrain(ItemIndex index, RankingEngine ranking, SimilarItems similar) : Grain, ICatalogGrain
{
    /// <summary>Single-key address: a stateless worker is activated locally on whichever silo is asked.</summary>
    public const long Key = 0;

    public async Task<int> UpsertMany(ItemMetadata[] items)
    {
        // Bounded parallelism: each upsert is one grain call and one storage write. The loop runs
        // off the activation's scheduler, so it uses a captured factory, not the grain's property.
        var factory = GrainFactory;
        await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = 64 },
            async (item, _) => await factory.GetGrain<IItemGrain>(item.ItemId).Upsert(item));
        return items.Length;
    }

    public Task<ItemPage> List(string? category, ItemSort sort, int offset, int limit)
    {
        IEnumerable<ItemRecord> records = sort == ItemSort.Popular
            ? index.PopularSlots().Select(index.At).OfType<ItemRecord>()
            : index.Records.ToArray().OfType<ItemRecord>().OrderBy(r => r.ItemId, StringComparer.Ordinal);
        records = records.Where(r => !r.Deleted);
        if (category is not null)
            records = records.Where(r => r.Categories.Contains(category, StringComparer.OrdinalIgnoreCase));
        var all = records.ToList();
        return Task.FromResult(new ItemPage(all.Count, [.. all.Skip(offset).Take(limit).Select(r => r.Clone())]));
    }

    public Task<RankedItem[]> Popular(int k, string? category) =>
        Task.FromResult(ranking.Popular(UserTaste.Empty, new RecommendQuery { K = k, Category = category }));

    public Task<RankedItem[]> Similar(string itemId, int k) => Task.FromResult(similar.Find(itemId, new RecommendQuery { K = k }));

    public Task<string[]> Categories() =>
        Task.FromResult(index.Categories().OrderByDescending(c => c.Value).Select(c => c.Key).ToArray());

    public Task<int> Count() => Task.FromResult(index.Count);
}
