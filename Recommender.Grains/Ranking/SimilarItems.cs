using Recommender.Grains.Items;
using Recommender.Grains.Users;

namespace Recommender.Grains.Ranking;

/// <summary>
/// Items like a given one. Until a model provides item vectors this is category overlap
/// (Jaccard similarity of the category sets) with popularity breaking ties.
/// </summary>
public sealed class SimilarItems(ItemIndex index)
{
    public RankedItem[] Find(string itemId, int k)
    {
        if (!index.TryGet(itemId, out var target)) return [];
        var categories = new HashSet<string>(target.Categories, StringComparer.OrdinalIgnoreCase);
        var top = new TopList(k);
        var popular = index.PopularSlots();
        for (var position = 0; position < popular.Length; position++)
        {
            var slot = popular[position];
            var record = index.At(slot);
            if (record is null || record.ItemId == itemId) continue;
            var shared = record.Categories.Count(categories.Contains);
            var union = categories.Count + record.Categories.Length - shared;
            var jaccard = union == 0 ? 0f : (float)shared / union;
            top.Offer(slot, jaccard + 1e-3f * (1f - (float)position / popular.Length));
        }
        return top.Sorted().Select((pair, rank) =>
        {
            var record = index.At(pair.Slot)!;
            return new RankedItem
            {
                Rank = rank + 1, ItemId = record.ItemId, Title = record.Title, Categories = record.Categories,
                Score = pair.Score, Reason = $"similar to {target.Title}",
            };
        }).ToArray();
    }
}
