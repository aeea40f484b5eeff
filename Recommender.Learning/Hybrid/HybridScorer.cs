using System.Numerics.Tensors;

namespace Recommender.Learning;

/// <summary>
/// Scores every item for one user from the sources of the hybrid and blends them
/// (<see cref="BlendWeights"/>). The same code ranks in the service and on the self-tuning's
/// validation, so the figure a configuration wins with is the figure it serves with. Its loops are
/// jitted fully optimised at once (a fresh server's first self-tuning otherwise runs tier-0 code).
/// </summary>
public static class HybridScorer
{
    /// <summary>dest[i] = x·y_i for the n × k item block (SIMD dot per item).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void Als(ReadOnlySpan<float> itemFactors, int k, ReadOnlySpan<float> x, Span<float> dest)
    {
        for (var i = 0; i < dest.Length; i++) dest[i] = TensorPrimitives.Dot(itemFactors.Slice(i * k, k), x);
    }

    /// <summary>
    /// dest = Σ_s w_s · source_s / σ_s with the scales of <paramref name="w"/>; a source without a
    /// scale is divided by its best score over the items not excluded (a source whose divisor is not
    /// positive contributes nothing). Sources may be empty (weight ignored). An item the item-item
    /// model does not cover (bit clear in <paramref name="itemItemCovers"/>: newer than the model, or
    /// outside EASE's dense solve) takes its ALS score in the item-item share instead — a back-off,
    /// so that a new item that ALS learns online can rank under an item-item blend too.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void Blend(BlendWeights w, ReadOnlySpan<float> als, ReadOnlySpan<float> itemItem, ReadOnlySpan<float> content,
        ReadOnlySpan<float> popularity, ReadOnlySpan<ulong> exclude, Span<float> dest, ReadOnlySpan<ulong> itemItemCovers = default)
    {
        dest.Clear();
        AddNormalised(dest, als, w.Als, w.Scales.Als, exclude);
        AddNormalised(dest, itemItem, w.ItemItem, w.Scales.ItemItem, exclude);
        AddNormalised(dest, content, w.Content, w.Scales.Content, exclude);
        AddNormalised(dest, popularity, w.Popularity, w.Scales.Popularity, exclude);
        if (w.ItemItem > 0f && !itemItem.IsEmpty && !itemItemCovers.IsEmpty && !als.IsEmpty)
        {
            var divisor = w.Scales.Als > 0f ? w.Scales.Als : MaxIncluded(als, exclude);
            if (!(divisor > 0f)) return;
            var factor = w.ItemItem / divisor;
            for (var i = 0; i < dest.Length; i++)
                if ((i >> 6) >= itemItemCovers.Length || (itemItemCovers[i >> 6] & (1UL << (i & 63))) == 0) dest[i] += factor * als[i];
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void AddNormalised(Span<float> dest, ReadOnlySpan<float> source, float weight, float scale, ReadOnlySpan<ulong> exclude)
    {
        if (weight == 0f || source.IsEmpty) return;
        var divisor = scale > 0f ? scale : MaxIncluded(source, exclude);
        if (!(divisor > 0f)) return;
        TensorPrimitives.MultiplyAdd(source[..dest.Length], weight / divisor, dest, dest);
    }

    /// <summary>The largest score among items whose bit is not set.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static float MaxIncluded(ReadOnlySpan<float> scores, ReadOnlySpan<ulong> exclude)
    {
        var max = float.NegativeInfinity;
        for (var i = 0; i < scores.Length; i++)
        {
            if ((i >> 6) < exclude.Length && (exclude[i >> 6] & (1UL << (i & 63))) != 0) continue;
            if (scores[i] > max) max = scores[i];
        }
        return max;
    }

    /// <summary>Best <paramref name="count"/> items by score, skipping excluded ones (and those <paramref name="filter"/> rejects).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static ScoredItem[] Top(ReadOnlySpan<float> scores, int count, ReadOnlySpan<ulong> exclude, Predicate<int>? filter = null)
    {
        if (count <= 0) return [];
        var heap = new ScoredItem[count];
        var size = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            if ((i >> 6) < exclude.Length && (exclude[i >> 6] & (1UL << (i & 63))) != 0) continue;
            var s = scores[i];
            if (float.IsNaN(s)) continue;
            var candidate = new ScoredItem(i, s);
            if (size < count)
            {
                if (filter is not null && filter(i)) continue;
                heap[size] = candidate;
                TopK.SiftUp(heap, size++);
            }
            else if (candidate.RanksBefore(heap[0]))
            {
                if (filter is not null && filter(i)) continue;
                heap[0] = candidate;
                TopK.SiftDown(heap, 0, size);
            }
        }
        var result = heap.AsSpan(0, size).ToArray();
        Array.Sort(result, (a, b) => a.RanksBefore(b) ? -1 : b.RanksBefore(a) ? 1 : 0);
        return result;
    }
}
