using System.Numerics.Tensors;

namespace Recommender.Learning;

/// <summary>
/// A sparse item-item model: for each item j, its best neighbours i with weights W[j, i]. A user
/// with history H (items with weights h_j) scores every item as s_i = Σ_{j∈H} h_j·W[j, i] — so the
/// scores change with each event at once, no re-fit needed. EASE, item-kNN and RP3β all end here.
/// </summary>
public sealed class ItemNeighbours
{
    public ItemNeighbours(int items, int[] offsets, int[] columns, float[] weights)
    {
        if (offsets.Length != items + 1 || columns.Length != offsets[items] || weights.Length != offsets[items])
            throw new ArgumentException("offsets, columns and weights do not describe a CSR of this many items");
        Items = items;
        Offsets = offsets;
        Columns = columns;
        Weights = weights;
    }

    public int Items { get; }
    public int[] Offsets { get; }
    public int[] Columns { get; }
    public float[] Weights { get; }
    public int NonZeros => Offsets[Items];

    public ReadOnlySpan<int> Neighbours(int item) => Columns.AsSpan(Offsets[item], Offsets[item + 1] - Offsets[item]);
    public ReadOnlySpan<float> NeighbourWeights(int item) => Weights.AsSpan(Offsets[item], Offsets[item + 1] - Offsets[item]);

    /// <summary>scores[i] += Σ_j h_j·W[j, i] over the history (items outside this model are skipped).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void Accumulate(ReadOnlySpan<int> history, ReadOnlySpan<float> historyWeights, Span<float> scores)
    {
        for (var t = 0; t < history.Length; t++)
        {
            var j = history[t];
            if ((uint)j >= (uint)Items) continue;
            var h = historyWeights.IsEmpty ? 1f : historyWeights[t];
            var start = Offsets[j];
            var end = Offsets[j + 1];
            for (var e = start; e < end; e++) scores[Columns[e]] += h * Weights[e];
        }
    }

    /// <summary>Builds rows from a dense row producer, keeping each row's <paramref name="topK"/> largest positive weights.</summary>
    public static ItemNeighbours FromRows(int items, int topK, Action<int, Span<float>> fillRow, int maxDegreeOfParallelism = -1)
    {
        var rows = new (int[] Columns, float[] Weights)[items];
        Parallel.For(0, items, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism }, () => new float[items], (j, _, dense) =>
        {
            dense.AsSpan().Clear();
            fillRow(j, dense);
            dense[j] = 0f;
            rows[j] = TopPositive(dense, topK);
            return dense;
        }, _ => { });
        return Pack(items, rows);
    }

    internal static ItemNeighbours Pack(int items, (int[] Columns, float[] Weights)[] rows)
    {
        var offsets = new int[items + 1];
        for (var j = 0; j < items; j++) offsets[j + 1] = offsets[j] + (rows[j].Columns?.Length ?? 0);
        var columns = new int[offsets[items]];
        var weights = new float[offsets[items]];
        for (var j = 0; j < items; j++)
        {
            if (rows[j].Columns is null) continue;
            rows[j].Columns.CopyTo(columns, offsets[j]);
            rows[j].Weights.CopyTo(weights, offsets[j]);
        }
        return new ItemNeighbours(items, offsets, columns, weights);
    }

    /// <summary>The <paramref name="k"/> largest positive entries of a dense row, by column ascending.</summary>
    internal static (int[] Columns, float[] Weights) TopPositive(ReadOnlySpan<float> row, int k)
    {
        var heap = new ScoredItem[Math.Min(k, row.Length)];
        var size = 0;
        for (var i = 0; i < row.Length; i++)
        {
            var w = row[i];
            if (!(w > 0f)) continue;
            var candidate = new ScoredItem(i, w);
            if (size < heap.Length)
            {
                heap[size] = candidate;
                TopK.SiftUp(heap, size++);
            }
            else if (candidate.RanksBefore(heap[0]))
            {
                heap[0] = candidate;
                TopK.SiftDown(heap, 0, size);
            }
        }
        var kept = heap.AsSpan(0, size);
        kept.Sort((a, b) => a.Index.CompareTo(b.Index));
        var columns = new int[size];
        var weights = new float[size];
        for (var t = 0; t < size; t++) { columns[t] = kept[t].Index; weights[t] = kept[t].Score; }
        return (columns, weights);
    }

    /// <summary>
    /// Bit i set when the model knows item i: it has a row or appears in one. An item outside (newer
    /// than the model, or left out of EASE's dense solve) gets no score from it, so the blend backs
    /// off to ALS for it (<see cref="HybridScorer.Blend"/>).
    /// </summary>
    public ulong[] Covered => _covered ??= ComputeCovered();

    private ulong[]? _covered;

    private ulong[] ComputeCovered()
    {
        var bits = BitSet.Create(Items);
        for (var i = 0; i < Items; i++) if (Offsets[i + 1] > Offsets[i]) BitSet.Set(bits, i);
        foreach (var c in Columns) BitSet.Set(bits, c);
        return bits;
    }

    /// <summary>The largest weight of each row (for normalising explanations); 0 for an empty row.</summary>
    public float MaxWeight(int item) => Offsets[item + 1] > Offsets[item] ? TensorPrimitives.Max(NeighbourWeights(item)) : 0f;
}
