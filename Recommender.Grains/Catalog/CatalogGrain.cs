using Orleans.Concurrency;
using Recommender.Grains.Items;
using Recommender.Grains.Ranking;
using Recommender.Grains.Users;

namespace Recommender.Grains.Catalog;

[StatelessWorker]
public sealed class CatalogGrain(ItemIndex index, RankingEngine ranking, SimilarItems similar, ItemFilters filters, Exploration exploration, TimeProvider time) : Grain, ICatalogGrain
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

    public Task<ItemPage> List(string? category, ItemSort sort, int offset, int limit, RecommendQuery? rules = null)
    {
        ulong[]? rejected = null;
        if (rules is { IsFiltered: true })
        {
            rejected = Learning.BitSet.Create(index.Count);
            filters.Exclude(rejected, index.Count, rules, UserTaste.Empty, time.GetUtcNow().ToUnixTimeMilliseconds());
        }
        IEnumerable<int> slots = sort == ItemSort.Popular
            ? index.PopularSlots()
            : Enumerable.Range(0, index.Count).OrderBy(slot => index.At(slot)?.ItemId, StringComparer.Ordinal);
        var records = slots
            .Where(slot => rejected is null || (slot < rejected.Length * 64 && !Learning.BitSet.Contains(rejected, slot)))
            .Select(index.At).OfType<ItemRecord>()
            .Where(r => !r.Deleted);
        if (category is not null)
            records = records.Where(r => r.Categories.Contains(category, StringComparer.OrdinalIgnoreCase));
        var all = records.ToList();
        return Task.FromResult(new ItemPage(all.Count, [.. all.Skip(offset).Take(limit).Select(r => r.Clone())]));
    }

    // isNew marks new items on every list (docs/API.md), the popular one too.
    public Task<RankedItem[]> Popular(RecommendQuery query) => Task.FromResult(exploration.Mark(ranking.Popular(UserTaste.Empty, query)));

    public Task<RankedItem[]> Similar(string itemId, RecommendQuery query) => Task.FromResult(similar.Find(itemId, query));

    public Task<RankedItem[]> Latest(RecommendQuery query) => Task.FromResult(ranking.Latest(query));

    public Task<string[]> Categories() =>
        Task.FromResult(index.Categories().OrderByDescending(c => c.Value).Select(c => c.Key).ToArray());

    public Task<int> Count() => Task.FromResult(index.Count);
}
