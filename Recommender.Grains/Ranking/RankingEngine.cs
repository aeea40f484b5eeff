using System.Numerics.Tensors;
using Recommender.Grains.Items;
using Recommender.Learning;
using Recommender.Grains.Model;
using Recommender.Grains.Users;

namespace Recommender.Grains.Ranking;

/// <summary>
/// Ranks the catalog for one user against this silo's <see cref="ItemIndex"/>, in-process.
/// Cold users get decayed popularity. Once a model is trained, users with positive evidence get
/// the ALS score x_u·y_i from a SIMD scan of the packed item vectors (bounded-heap top-K, seen
/// and excluded items masked by a bitset). Before any model, they get
/// score(i) = (1 − β)·affinity(u, i) + β·pop(i), where pop(i) ∈ [0, 1] is the item's popularity
/// percentile and affinity(u, i) the mean over i's categories of the user's signed category
/// weight, normalised by the user's total positive weight — so dislikes push whole categories down.
/// Items the user interacted with, excluded items and other categories (when filtered) never appear.
/// </summary>
public sealed class RankingEngine(ItemIndex index, LiveModel live, ItemMasks masks, Boosts boosts, Exploration exploration)
{
    /// <summary>β: how much popularity counts for a personal ranking.</summary>
    public const float PopularityBlend = 0.3f;

    /// <summary>The user's list: the organic ranking with the exploration share's places given to new items (<see cref="Exploration"/>).</summary>
    public (RankedItem[] Items, string Strategy) Rank(UserTaste taste, RecommendQuery query)
    {
        if (query.Strategy == "popular") return (Popular(taste, query), "popular");
        var places = taste.HasPositiveEvidence ? exploration.Places(query) : 0;
        var (items, strategy) = RankOrganic(taste, places > 0 ? query with { K = query.K + places } : query);
        items = exploration.Mix(items, taste, query, places);
        return (query.PopularShare > 0 && strategy != "popular" ? MixPopular(items, taste, query) : items, strategy);
    }

    /// <summary>
    /// A blend in list space (an experiment's variant): of k places, those where ⌊r·w⌋ steps up
    /// (r = 1…k, w the share) take the most popular unseen items not already in the list, so round(k·w)
    /// places are spread evenly; the others keep the learned list's order.
    /// </summary>
    private RankedItem[] MixPopular(RankedItem[] items, UserTaste taste, RecommendQuery query)
    {
        var share = Math.Clamp(query.PopularShare, 0, 1);
        var popular = Popular(taste, query with { Exclude = [.. query.Exclude, .. items.Select(i => i.ItemId)] });
        var mixed = new List<RankedItem>(query.K);
        int learned = 0, fromPopular = 0;
        for (var r = 1; r <= query.K; r++)
        {
            var takePopular = Math.Floor(r * share) > Math.Floor((r - 1) * share);
            if (takePopular && fromPopular < popular.Length) mixed.Add(popular[fromPopular++]);
            else if (learned < items.Length) mixed.Add(items[learned++]);
            else if (fromPopular < popular.Length) mixed.Add(popular[fromPopular++]);
            else break;
        }
        return [.. mixed.Select((item, r) => item with { Rank = r + 1 })];
    }

    private (RankedItem[] Items, string Strategy) RankOrganic(UserTaste taste, RecommendQuery query)
    {
        if (!taste.HasPositiveEvidence) return (Popular(taste, query, PopularityPercentiles()), "popular");
        var snapshot = live.Current;
        return snapshot.IsTrained && taste.Embedding is { } x && taste.ModelVersion == snapshot.Version && x.Length == snapshot.Factors
            ? (Embedding(taste, x, query, snapshot), "personal")
            : (Personal(taste, query, PopularityPercentiles()), "personal");
    }

    private RankedItem[] Embedding(UserTaste taste, float[] x, RecommendQuery query, ModelSnapshot snapshot)
    {
        if (!snapshot.Settings.Blend.IsAlsOnly) return Hybrid(taste, x, query, snapshot);
        var k = snapshot.Factors;
        var count = Math.Min(index.Count, snapshot.Capacity);
        var excluded = masks.Excluded(taste, query, count);
        Predicate<int>? filter = null;
        // No per-item "record present?" test otherwise: slots below the index's count always hold one,
        // and a per-item delegate costs as much as the int8 dot product it guards.

        var disliked = DislikedSlots(taste, count);
        // With dislikes, rank a wider candidate set and push down the neighbours of what was disliked.
        var candidates = disliked.Count == 0 ? query.K : 3 * query.K + 20;
        // int8 first pass + exact float re-scoring of the best 4·candidates: the same top-K as the float
        // scan on random data, ~2.5× faster at 100k–1M items (BENCHMARKS.md, "Scan (in-process)"). One
        // thread: concurrent requests already occupy the cores, splitting one scan lost at every size measured,
        // and Parallel.For inside a grain turn runs on the activation's single-threaded scheduler (measured over
        // HTTP at 100k items: p50 134 ms instead of 4 ms).
        var boost = boosts.For(taste, query, count);
        var top = boost is not null ? boost.AlsTop(snapshot.Vectors, k, x, candidates, excluded, count)
            : snapshot.Quantized is { } quantized
            ? QuantizedTopK.Search(quantized, snapshot.Vectors, x, candidates, excluded, filter, rows: count, parallel: false)
            : TopK.Search(snapshot.Vectors.AsSpan(0, count * k), k, x, candidates, filter, excluded, parallel: false);
        if (disliked.Count > 0) top = PushDownNeighbours(top, disliked, snapshot, query.K);
        var explainer = query.Explain ? new EmbeddingExplainer(taste, index, snapshot) : null;
        var items = new RankedItem[top.Length];
        for (var r = 0; r < top.Length; r++)
        {
            var record = index.At(top[r].Index)!;
            items[r] = ToRanked(record, r + 1, top[r].Score, explainer?.Why(top[r].Index, record));
        }
        return items;
    }

    /// <summary>
    /// The blend the training chose (<see cref="BlendWeights"/>), scored densely over this silo's
    /// slots with the same <see cref="HybridScorer"/> that validated it: x·y for every item, the
    /// item-item model's Σ over the user's positive history, the content profile's mean over each
    /// item's categories, and the training popularity, each divided by its largest value among the
    /// items the user can be shown. The history and the profile come from the user's cells as they
    /// are now, so every event changes the item-item and content parts at once.
    /// </summary>
    private RankedItem[] Hybrid(UserTaste taste, float[] x, RecommendQuery query, ModelSnapshot snapshot)
    {
        var k = snapshot.Factors;
        var model = snapshot.Model!;
        var blend = snapshot.Settings.Blend;
        var curve = snapshot.Settings.Evidence;
        var count = Math.Min(index.Count, snapshot.Capacity);
        var excluded = masks.Excluded(taste, query, count);
        Predicate<int>? filter = null;

        var buffer = System.Buffers.ArrayPool<float>.Shared.Rent(4 * count);
        try
        {
            var scores = buffer.AsSpan(0, 4 * count);
            scores.Clear();
            var als = scores[..count];
            var itemItem = scores.Slice(count, count);
            var content = scores.Slice(2 * count, count);
            var blended = scores.Slice(3 * count, count);
            var useAls = blend.Als > 0f || blend.ItemItem > 0f; // the item-item share backs off to ALS for items it does not cover
            if (useAls) HybridScorer.Als(snapshot.Vectors.AsSpan(0, count * k), k, x, als);
            ulong[]? covers = null;
            if (blend.ItemItem > 0f && model.ItemItem is { } neighbours)
            {
                AddItemItem(taste, snapshot, neighbours, itemItem, count);
                covers = SlotCovers(snapshot, neighbours, count);
            }
            if (blend.Content > 0f) AddContent(taste, curve, snapshot.Settings.ContentSaturation, content, count);
            var popularity = blend.Popularity > 0f ? index.PopularityScores() : [];
            HybridScorer.Blend(blend, useAls ? als : default, itemItem, content, popularity.AsSpan(0, Math.Min(count, popularity.Length)), excluded, blended, covers);
            boosts.For(taste, query, count)?.Apply(blended, excluded); // the blend is normalised: scale 1

            var disliked = DislikedSlots(taste, count);
            var candidates = disliked.Count == 0 ? query.K : 3 * query.K + 20;
            var top = HybridScorer.Top(blended, candidates, excluded, filter);
            if (disliked.Count > 0) top = PushDownNeighbours(top, disliked, snapshot, query.K);
            var explainer = query.Explain ? new EmbeddingExplainer(taste, index, snapshot) : null;
            var items = new RankedItem[top.Length];
            for (var r = 0; r < top.Length; r++)
            {
                var record = index.At(top[r].Index)!;
                items[r] = ToRanked(record, r + 1, top[r].Score, explainer?.Why(top[r].Index, record));
            }
            return items;
        }
        finally
        {
            System.Buffers.ArrayPool<float>.Shared.Return(buffer);
        }
    }

    /// <summary>The slots whose item the item-item model covers (see <see cref="ItemNeighbours.Covered"/>).</summary>
    private static ulong[] SlotCovers(ModelSnapshot snapshot, ItemNeighbours neighbours, int count)
    {
        var covers = BitSet.Create(count);
        var covered = neighbours.Covered;
        for (var slot = 0; slot < count && slot < snapshot.ItemOfSlot.Length; slot++)
        {
            var item = snapshot.ItemOfSlot[slot];
            if (item >= 0 && (covered[item >> 6] & (1UL << (item & 63))) != 0) BitSet.Set(covers, slot);
        }
        return covers;
    }

    /// <summary>scores[slot] += Σ_{j ∈ positive history} W[j, item of slot] (binary history, as validated).</summary>
    private void AddItemItem(UserTaste taste, ModelSnapshot snapshot, ItemNeighbours neighbours, Span<float> scores, int count)
    {
        foreach (var (itemId, affinity) in taste.Items)
        {
            if (affinity.Negative || index.SlotOf(itemId) is not (var slot and >= 0) || slot >= snapshot.ItemOfSlot.Length) continue;
            var item = snapshot.ItemOfSlot[slot];
            if (item < 0 || item >= neighbours.Items) continue;
            var columns = neighbours.Neighbours(item);
            var weights = neighbours.NeighbourWeights(item);
            for (var e = 0; e < columns.Length; e++)
            {
                var target = snapshot.SlotOfItem[columns[e]];
                if ((uint)target < (uint)count) scores[target] += weights[e];
            }
        }
    }

    /// <summary>The content source: the user's signed strength per category (shared among an item's categories), then each item's mean over its own.</summary>
    private void AddContent(UserTaste taste, EvidenceCurve curve, float saturation, Span<float> scores, int count)
    {
        var categories = live.Categories;
        var profile = new float[Math.Max(1, categories.Count)];
        var amountScale = 1f;
        if (curve.RelativeAmounts)
        {
            var tallies = new EvidenceTally[taste.Items.Count];
            var t = 0;
            foreach (var affinity in taste.Items.Values) tallies[t++] = affinity.Tally;
            amountScale = EvidenceCurve.AmountScale(tallies);
        }
        var slots = new int[taste.Items.Count];
        var signed = new float[taste.Items.Count];
        var n = 0;
        foreach (var (itemId, affinity) in taste.Items)
        {
            if (index.SlotOf(itemId) is not (var slot and >= 0)) continue;
            var strength = curve.Strength(affinity.Tally, amountScale);
            slots[n] = slot;
            signed[n++] = affinity.Negative ? -strength : strength;
        }
        CategoryProfile.Build(profile, categories, slots.AsSpan(0, n), signed.AsSpan(0, n), saturation);
        CategoryProfile.Score(categories, profile, scores[..count]);
    }

    /// <summary>How hard a disliked item's neighbours are pushed down, as a share of the best score.</summary>
    public const float DislikePenalty = 0.6f;

    private List<int> DislikedSlots(UserTaste taste, int count)
    {
        var slots = new List<int>();
        foreach (var (itemId, affinity) in taste.Items)
            if (affinity.Negative && index.SlotOf(itemId) is var slot and >= 0 && slot < count) slots.Add(slot);
        return slots;
    }

    /// <summary>
    /// s'ᵢ = sᵢ − γ·|s_max|·max(0, max_{j disliked} cos(yᵢ, y_j)): items close to something the user
    /// disliked lose up to γ of the best score, so "not this kind" is heard at once, beyond the
    /// ALS fold-in (where a dislike is one p = 0 cell among many).
    /// </summary>
    private static ScoredItem[] PushDownNeighbours(ScoredItem[] candidates, List<int> disliked, ModelSnapshot snapshot, int k)
    {
        if (candidates.Length == 0) return candidates;
        var scale = DislikePenalty * MathF.Abs(candidates[0].Score);
        var adjusted = new ScoredItem[candidates.Length];
        for (var c = 0; c < candidates.Length; c++)
        {
            var y = snapshot.ItemVector(candidates[c].Index);
            var closest = 0f;
            foreach (var slot in disliked)
            {
                var similarity = TensorPrimitives.CosineSimilarity(y, snapshot.ItemVector(slot));
                if (similarity > closest) closest = similarity;
            }
            adjusted[c] = new ScoredItem(candidates[c].Index, candidates[c].Score - scale * closest);
        }
        Array.Sort(adjusted, (a, b) => b.Score.CompareTo(a.Score));
        return adjusted.Length > k ? adjusted[..k] : adjusted;
    }

    /// <summary>The most popular items that pass the query's filters.</summary>
    public RankedItem[] Popular(UserTaste taste, RecommendQuery query, float[]? popularity = null)
    {
        popularity ??= PopularityPercentiles();
        var excluded = masks.Excluded(taste, query, index.Count);
        if (boosts.For(taste, query, index.Count) is { } boost) return BoostedPopular(boost, query, popularity, excluded);
        var result = new List<RankedItem>(query.K);
        foreach (var slot in index.PopularSlots())
        {
            var record = index.At(slot);
            if (record is null || slot >= popularity.Length || BitSet.Contains(excluded, slot)) continue;
            var reason = query.Explain ? PopularReason(record, query.Category) : null;
            result.Add(ToRanked(record, result.Count + 1, popularity[slot], reason));
            if (result.Count == query.K) break;
        }
        return [.. result];
    }

    /// <summary>Popularity with boosts: every servable slot's boosted percentile competes (the popular order alone no longer decides).</summary>
    private RankedItem[] BoostedPopular(BoostSet boost, RecommendQuery query, float[] popularity, ulong[] excluded)
    {
        var top = new TopList(query.K);
        foreach (var slot in index.PopularSlots())
            if (slot < popularity.Length && index.At(slot) is not null && !BitSet.Contains(excluded, slot)) top.Offer(slot, boost.Apply(slot, popularity[slot]));
        var ranked = top.Sorted();
        var items = new RankedItem[ranked.Length];
        for (var r = 0; r < ranked.Length; r++)
        {
            var record = index.At(ranked[r].Slot)!;
            items[r] = ToRanked(record, r + 1, ranked[r].Score, query.Explain ? PopularReason(record, query.Category) : null);
        }
        return items;
    }

    private RankedItem[] Personal(UserTaste taste, RecommendQuery query, float[] popularity)
    {
        var excluded = masks.Excluded(taste, query, Math.Min(index.Count, popularity.Length));
        // Normalised by the positive mass only, so one dislike does not dilute what the user likes.
        var totalWeight = taste.CategoryWeights.Values.Where(w => w > 0).Sum();
        if (totalWeight <= 0) totalWeight = 1;
        var top = new TopList(query.K);
        var boost = boosts.For(taste, query, Math.Min(index.Count, popularity.Length));
        var records = index.Records;
        for (var slot = 0; slot < records.Length && slot < popularity.Length; slot++)
        {
            var record = records[slot];
            if (record is null || BitSet.Contains(excluded, slot)) continue;
            var affinity = 0f;
            foreach (var category in record.Categories) affinity += taste.CategoryWeights.GetValueOrDefault(category);
            if (record.Categories.Length > 0) affinity /= record.Categories.Length * totalWeight;
            var score = (1 - PopularityBlend) * affinity + PopularityBlend * popularity[slot];
            top.Offer(slot, boost is null ? score : boost.Apply(slot, score));
        }
        var explainer = query.Explain ? new Explainer(taste, index) : null;
        var ranked = top.Sorted();
        var items = new RankedItem[ranked.Length];
        for (var r = 0; r < ranked.Length; r++)
        {
            var record = index.At(ranked[r].Slot)!;
            items[r] = ToRanked(record, r + 1, ranked[r].Score, explainer?.Why(record));
        }
        return items;
    }

    /// <summary>The newest servable items that pass the query's rules, newest first; the score is the age in days (negative).</summary>
    public RankedItem[] Latest(RecommendQuery query)
    {
        var count = index.Count;
        var excluded = masks.Excluded(UserTaste.Empty, query, count);
        var top = new TopList(query.K);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var records = index.Records;
        for (var slot = 0; slot < count && slot < records.Length; slot++)
            if (records[slot] is { } record && !BitSet.Contains(excluded, slot)) top.Offer(slot, -(now - record.CreatedAt) / 86_400_000f);
        var ranked = top.Sorted();
        var items = new RankedItem[ranked.Length];
        for (var r = 0; r < ranked.Length; r++)
            items[r] = ToRanked(index.At(ranked[r].Slot)!, r + 1, ranked[r].Score, query.Explain ? "new" : null);
        return exploration.Mark(items);
    }

    /// <summary>Popularity percentile per slot: 1 for the most popular item, 0 for items nobody touched.</summary>
    private float[] PopularityPercentiles()
    {
        var order = index.PopularSlots();
        var percentiles = new float[index.Count];
        for (var position = 0; position < order.Length; position++)
        {
            var slot = order[position];
            if (slot >= percentiles.Length) continue;
            var record = index.At(slot);
            percentiles[slot] = record is null || double.IsNegativeInfinity(record.PopularityLog)
                ? 0f
                : 1f - (float)position / order.Length;
        }
        return percentiles;
    }

    private static string PopularReason(ItemRecord record, string? category) =>
        category is not null ? $"popular in {category}"
        : record.Categories.Length > 0 ? $"popular in {record.Categories[0]}"
        : "popular";

    private static RankedItem ToRanked(ItemRecord record, int rank, float score, string? reason) => new()
    {
        Rank = rank,
        ItemId = record.ItemId,
        Title = record.Title,
        Categories = record.Categories,
        Score = score,
        Reason = reason,
        Properties = record.Properties,
    };
}
