using System.Numerics.Tensors;

namespace Recommender.Learning;

/// <summary>
/// Exact maximum-inner-product top-K over a contiguous n × k block of item vectors:
/// score_i = q·y_i (+ bias_i), SIMD dot per item, a bounded min-heap of the best K (root = worst kept),
/// excluded items skipped before their dot product is computed. For n ≥ <see cref="ParallelThreshold"/>
/// the scan is split across cores, one heap per slice, merged at the end. Ties break on the lower index,
/// so the result does not depend on the split.
/// </summary>
public static class TopK
{
    public const int ParallelThreshold = 50_000;

    /// <summary>Best <paramref name="count"/> items, sorted by descending score.</summary>
    /// <param name="itemVectors">n × k, row-major.</param>
    /// <param name="factors">k.</param>
    /// <param name="query">The user vector (length k).</param>
    /// <param name="count">K.</param>
    /// <param name="exclude">Optional predicate: true = skip this item (seen, filtered…).</param>
    /// <param name="excludeBits">Optional bitset: bit i of word i/64 set = skip item i.</param>
    /// <param name="bias">Optional per-item additive score (e.g. β·log popularity); empty = none.</param>
    /// <param name="parallel">False keeps the scan on the calling thread at any size (benchmarks, callers already parallel).</param>
    public static ScoredItem[] Search(
        ReadOnlySpan<float> itemVectors, int factors, ReadOnlySpan<float> query, int count,
        Predicate<int>? exclude = null, ReadOnlySpan<ulong> excludeBits = default, ReadOnlySpan<float> bias = default,
        bool parallel = true)
    {
        if (count <= 0) return [];
        var buffer = new ScoredItem[count];
        int n = Search(itemVectors, factors, query, buffer, exclude, excludeBits, bias, parallel);
        return n == count ? buffer : buffer[..n];
    }

    /// <summary>Allocation-free form (below the parallel threshold): fills <paramref name="results"/>
    /// best-first and returns how many were written.</summary>
    public static int Search(
        ReadOnlySpan<float> itemVectors, int factors, ReadOnlySpan<float> query, Span<ScoredItem> results,
        Predicate<int>? exclude = null, ReadOnlySpan<ulong> excludeBits = default, ReadOnlySpan<float> bias = default,
        bool parallel = true)
    {
        if (query.Length != factors) throw new ArgumentException("query must have length k", nameof(query));
        int n = itemVectors.Length / factors;
        if (!bias.IsEmpty && bias.Length < n) throw new ArgumentException("bias shorter than item count", nameof(bias));
        if (results.Length == 0) return 0;
        int written;
        if (!parallel || n < ParallelThreshold || Environment.ProcessorCount == 1)
            written = Scan(itemVectors, factors, query, 0, n, results, exclude, excludeBits, bias);
        else
            written = ScanParallel(itemVectors, factors, query, n, results, exclude, excludeBits, bias);
        SortDescending(results[..written]);
        return written;
    }

    /// <summary>Scans items [start, end) into the heap <paramref name="heap"/>; returns its size.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static int Scan(
        ReadOnlySpan<float> items, int k, ReadOnlySpan<float> query, int start, int end, Span<ScoredItem> heap,
        Predicate<int>? exclude, ReadOnlySpan<ulong> excludeBits, ReadOnlySpan<float> bias)
    {
        int size = 0, capacity = heap.Length;
        bool hasBits = !excludeBits.IsEmpty, hasBias = !bias.IsEmpty;
        for (int i = start; i < end; i++)
        {
            if (hasBits && (i >> 6) < excludeBits.Length && (excludeBits[i >> 6] & (1UL << (i & 63))) != 0) continue;
            if (exclude is not null && exclude(i)) continue;
            float s = TensorPrimitives.Dot(items.Slice(i * k, k), query);
            if (hasBias) s += bias[i];
            if (float.IsNaN(s)) continue;
            var candidate = new ScoredItem(i, s);
            if (size < capacity)
            {
                heap[size] = candidate;
                SiftUp(heap, size++);
            }
            else if (candidate.RanksBefore(heap[0]))
            {
                heap[0] = candidate;
                SiftDown(heap, 0, size);
            }
        }
        return size;
    }

    private static unsafe int ScanParallel(
        ReadOnlySpan<float> items, int k, ReadOnlySpan<float> query, int n, Span<ScoredItem> results,
        Predicate<int>? exclude, ReadOnlySpan<ulong> excludeBits, ReadOnlySpan<float> bias)
    {
        int slices = Environment.ProcessorCount;
        int capacity = results.Length;
        var heaps = new ScoredItem[slices][];
        var sizes = new int[slices];
        fixed (float* pItems = items)
        fixed (float* pQuery = query)
        fixed (ulong* pBits = excludeBits)
        fixed (float* pBias = bias)
        {
            nint ip = (nint)pItems, qp = (nint)pQuery, bp = (nint)pBits, wp = (nint)pBias;
            int itemsLen = items.Length, bitsLen = excludeBits.Length, biasLen = bias.Length;
            Parallel.For(0, slices, s =>
            {
                int start = (int)((long)n * s / slices), end = (int)((long)n * (s + 1) / slices);
                heaps[s] = new ScoredItem[capacity];
                sizes[s] = Scan(new ReadOnlySpan<float>((float*)ip, itemsLen), k, new ReadOnlySpan<float>((float*)qp, k),
                    start, end, heaps[s], exclude,
                    new ReadOnlySpan<ulong>((ulong*)bp, bitsLen), new ReadOnlySpan<float>((float*)wp, biasLen));
            });
        }
        // Merge: push every slice's survivors through one bounded heap.
        int size = 0;
        for (int s = 0; s < slices; s++)
        {
            for (int j = 0; j < sizes[s]; j++)
            {
                var c = heaps[s][j];
                if (size < capacity) { results[size] = c; SiftUp(results, size++); }
                else if (c.RanksBefore(results[0])) { results[0] = c; SiftDown(results, 0, size); }
            }
        }
        return size;
    }

    // Min-heap on rank: the root is the item that ranks last among those kept.
    internal static void SiftUp(Span<ScoredItem> heap, int i)
    {
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (!heap[parent].RanksBefore(heap[i])) break;
            (heap[parent], heap[i]) = (heap[i], heap[parent]);
            i = parent;
        }
    }

    internal static void SiftDown(Span<ScoredItem> heap, int i, int size)
    {
        while (true)
        {
            int l = 2 * i + 1, worst = i;
            if (l < size && heap[worst].RanksBefore(heap[l])) worst = l;
            if (l + 1 < size && heap[worst].RanksBefore(heap[l + 1])) worst = l + 1;
            if (worst == i) return;
            (heap[worst], heap[i]) = (heap[i], heap[worst]);
            i = worst;
        }
    }

    private static void SortDescending(Span<ScoredItem> items)
        => items.Sort(static (a, b) => a.RanksBefore(b) ? -1 : b.RanksBefore(a) ? 1 : 0);
}
