using System.Numerics.Tensors;
using Recommender.Grains.Items;
using Recommender.Grains.Model;
using Recommender.Grains.Users;

namespace Recommender.Grains.Ranking;

/// <summary>
/// Items like a given one: the cosine of their vectors in the current model (items watched by the
/// same people), or — before any model, or for an item without a vector yet — category overlap
/// (Jaccard similarity of the category sets) with popularity breaking ties.
/// </summary>
public sealed class SimilarItems(ItemIndex index, LiveModel live, ItemMasks masks)
{
    /// <summary>The <paramref name="query"/>'s k items most like <paramref name="itemId"/> that pass its rules (a deleted item has none).</summary>
    public RankedItem[] Find(string itemId, RecommendQuery query)
    {
        if (!index.TryGet(itemId, out var target) || target.Deleted) return [];
        var snapshot = live.Current;
        var slotOfTarget = index.SlotOf(itemId);
        var excluded = masks.Excluded(query, index.Count);
        if (snapshot.IsTrained && slotOfTarget < snapshot.Capacity && snapshot.ItemVector(slotOfTarget).IndexOfAnyExcept(0f) >= 0)
            return ByEmbedding(target, slotOfTarget, snapshot, query.K, excluded);
        return ByCategory(target, query.K, excluded);
    }

    private RankedItem[] ByEmbedding(ItemRecord target, int targetSlot, ModelSnapshot snapshot, int k, ulong[] excluded)
    {
        var y = snapshot.ItemVector(targetSlot);
        var top = new TopList(k);
        var count = Math.Min(Math.Min(index.Count, snapshot.Capacity), excluded.Length * 64);
        for (var slot = 0; slot < count; slot++)
        {
            if (slot == targetSlot || Learning.BitSet.Contains(excluded, slot)) continue;
            var similarity = TensorPrimitives.CosineSimilarity(y, snapshot.ItemVector(slot));
            if (float.IsFinite(similarity)) top.Offer(slot, similarity);
        }
        return Ranked(top, target, "watched by the same people as");
    }

    private RankedItem[] ByCategory(ItemRecord target, int k, ulong[] excluded)
    {
        var itemId = target.ItemId;
        var categories = new HashSet<string>(target.Categories, StringComparer.OrdinalIgnoreCase);
        var top = new TopList(k);
        var popular = index.PopularSlots();
        for (var position = 0; position < popular.Length; position++)
        {
            var slot = popular[position];
            var record = index.At(slot);
            if (record is null || record.ItemId == itemId || slot >= excluded.Length * 64 || Learning.BitSet.Contains(excluded, slot)) continue;
            var shared = record.Categories.Count(categories.Contains);
            var union = categories.Count + record.Categories.Length - shared;
            var jaccard = union == 0 ? 0f : (float)shared / union;
            top.Offer(slot, jaccard + 1e-3f * (1f - (float)position / popular.Length));
        }
        return Ranked(top, target, "similar to");
    }

    private RankedItem[] Ranked(TopList top, ItemRecord target, string reason) =>
        top.Sorted().Select((pair, rank) =>
        {
            var record = index.At(pair.Slot)!;
            return new RankedItem
            {
                Rank = rank + 1, ItemId = record.ItemId, Title = record.Title, Categories = record.Categories,
                Score = pair.Score, Reason = $"{reason} {target.Title}", Properties = record.Properties,
            };
        }).ToArray();
}
