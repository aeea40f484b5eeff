namespace Recommender.Learning;

/// <summary>
/// Item-based k-nearest neighbours (Sarwar et al. 2001; Deshpande &amp; Karypis 2004) on the binary
/// positives: W[j, i] = C[j, i] / (√(C[j, j]·C[i, i]) + shrink), the shrunk cosine of the two items'
/// user sets, each row cut to its <c>neighbours</c> largest. The classic baseline every comparison needs.
/// </summary>
public static class ItemKnn
{
    public sealed record Settings(int Neighbours = 100, float Shrink = 10f);

    public static ItemNeighbours Train(SparseRows positives, Settings settings, int maxDegreeOfParallelism = -1)
    {
        var byItem = positives.Transpose();
        var norms = new float[positives.ColumnCount];
        for (var i = 0; i < norms.Length; i++) norms[i] = MathF.Sqrt(byItem.RowLength(i));
        return ItemNeighbours.FromRows(positives.ColumnCount, settings.Neighbours, (j, row) =>
        {
            if (byItem.RowLength(j) == 0) return;
            CoOccurrence.AddRow(positives, byItem, j, default, row);
            for (var i = 0; i < row.Length; i++)
                if (row[i] != 0f) row[i] /= norms[j] * norms[i] + settings.Shrink;
        }, maxDegreeOfParallelism);
    }
}
