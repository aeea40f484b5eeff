namespace Recommender.Learning;

/// <summary>
/// Weighted co-occurrence rows: C[j, i] = Σ_{u ∈ U(j) ∩ U(i)} w_u over the positive cells, one row at
/// a time into a dense scratch row (cost Σ_u |I(u)|² for all rows), so that item-kNN and RP3β can
/// turn each row into similarities and keep its top-K without ever holding the whole matrix.
/// </summary>
public static class CoOccurrence
{
    /// <summary>Adds row <paramref name="item"/> of C into <paramref name="row"/> (dense, length items).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void AddRow(SparseRows byUser, SparseRows byItem, int item, ReadOnlySpan<float> userWeights, Span<float> row)
    {
        foreach (var u in byItem.RowColumns(item))
        {
            var w = userWeights.IsEmpty ? 1f : userWeights[u];
            foreach (var i in byUser.RowColumns(u)) row[i] += w;
        }
    }

    /// <summary>The dense Gram matrix XᵀX of the binary positives restricted to <paramref name="items"/> (their order is the matrix's).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static float[] DenseGram(SparseRows byUser, int[] items, int totalItems)
    {
        var n = items.Length;
        var local = new int[totalItems];
        Array.Fill(local, -1);
        for (var t = 0; t < n; t++) local[items[t]] = t;
        var gram = new float[(long)n * n];
        var buffer = new List<int>();
        for (var u = 0; u < byUser.RowCount; u++)
        {
            buffer.Clear();
            foreach (var i in byUser.RowColumns(u)) if (local[i] >= 0) buffer.Add(local[i]);
            foreach (var a in buffer)
            {
                var row = (long)a * n;
                foreach (var b in buffer) gram[row + b] += 1f;
            }
        }
        return gram;
    }
}
