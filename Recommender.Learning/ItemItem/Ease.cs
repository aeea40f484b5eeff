namespace Recommender.Learning;

/// <summary>
/// EASE (Steck 2019): the item-item weight matrix B that best reconstructs the binary user × item
/// matrix X from itself, with a zero diagonal and an L2 ridge:
///   min_B |X − XB|² + λ|B|²  s.t. diag(B) = 0   ⇒   P = (XᵀX + λI)⁻¹,  B[j, i] = −P[j, i] / P[i, i]  (j ≠ i)
/// The n × n inverse costs n³ multiply-adds (<see cref="SpdInverse"/>: ~6 s at n = 6,000 on two cores,
/// float32), so it runs on the catalogue's most-interacted items only — as many as
/// <see cref="Settings.MaxItems"/> allows; the rest get no EASE score — and each row of B keeps its
/// <see cref="Settings.Neighbours"/> largest weights, which makes serving sparse (the same
/// <see cref="ItemNeighbours"/> as the other item-item models).
/// </summary>
public static class Ease
{
    /// <param name="Lambda">λ, the ridge.</param>
    /// <param name="MaxItems">The dense solve's size limit (most-interacted items first).</param>
    /// <param name="Neighbours">Weights kept per row of B.</param>
    /// <param name="Emphasis">
    /// β of the item-dependent ridge λ_i = λ + β·(XᵀX)_ii (Steck 2020's denoising / dropout emphasis:
    /// popular items, whose columns the data already pins down, get more shrinkage). 0 = plain EASE.
    /// </param>
    public sealed record Settings(float Lambda = 100f, int MaxItems = 6000, int Neighbours = 200, float Emphasis = 0f);

    /// <summary>The items the solve covers: those with at least two users, most users first, at most <paramref name="maxItems"/>.</summary>
    public static int[] CoveredItems(SparseRows positives, int maxItems)
    {
        var counts = new int[positives.ColumnCount];
        foreach (var i in positives.Columns) counts[i]++;
        return [.. Enumerable.Range(0, counts.Length).Where(i => counts[i] >= 2)
            .OrderByDescending(i => counts[i]).ThenBy(i => i).Take(maxItems).Order()];
    }

    public static ItemNeighbours Train(SparseRows positives, Settings settings, int maxDegreeOfParallelism = -1)
    {
        var items = CoveredItems(positives, settings.MaxItems);
        var gram = CoOccurrence.DenseGram(positives, items, positives.ColumnCount);
        return Solve(gram, items, positives.ColumnCount, settings, maxDegreeOfParallelism);
    }

    /// <summary>B from a Gram matrix over <paramref name="items"/> (consumed: it becomes P).</summary>
    public static ItemNeighbours Solve(float[] gram, int[] items, int totalItems, Settings settings, int maxDegreeOfParallelism = -1)
    {
        var n = items.Length;
        for (var t = 0; t < n; t++) gram[(long)t * n + t] += settings.Lambda + settings.Emphasis * gram[(long)t * n + t];
        SpdInverse.Invert(gram, n, maxDegreeOfParallelism);
        var p = gram;
        var diagonal = new float[n];
        for (var t = 0; t < n; t++) diagonal[t] = p[(long)t * n + t];
        var rows = new (int[] Columns, float[] Weights)[totalItems];
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism }, () => new float[n], (a, _, row) =>
        {
            var source = p.AsSpan((int)((long)a * n), n);
            for (var b = 0; b < n; b++) row[b] = -source[b] / diagonal[b];
            row[a] = 0f;
            var (local, weights) = ItemNeighbours.TopPositive(row, settings.Neighbours);
            for (var t = 0; t < local.Length; t++) local[t] = items[local[t]];
            rows[items[a]] = (local, weights);
            return row;
        }, _ => { });
        return ItemNeighbours.Pack(totalItems, rows);
    }
}
