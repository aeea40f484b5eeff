namespace Recommender.Learning;

/// <summary>
/// RP3β (Paudel, Christoffel, Newell &amp; Bernstein 2017): a three-step random walk item → user → item
/// on the bipartite graph of positives, with transition probabilities raised to α and the arrival
/// item's popularity discounted by β:
///   W[j, i] = Σ_{u ∈ U(j) ∩ U(i)} (1/|U(j)|)^α (1/|I(u)|)^α  /  |U(i)|^β
/// Each row keeps its <c>neighbours</c> largest weights. Cheap (one co-occurrence pass) and strong on
/// long-tail catalogues, so it is the item-item model where EASE's dense solve does not fit.
/// </summary>
public static class Rp3Beta
{
    public sealed record Settings(float Alpha = 1f, float Beta = 0.5f, int Neighbours = 100);

    public static ItemNeighbours Train(SparseRows positives, Settings settings, int maxDegreeOfParallelism = -1)
    {
        var byItem = positives.Transpose();
        var userWeights = new float[positives.RowCount];
        for (var u = 0; u < userWeights.Length; u++)
            userWeights[u] = positives.RowLength(u) == 0 ? 0f : MathF.Pow(1f / positives.RowLength(u), settings.Alpha);
        var arrival = new float[positives.ColumnCount];
        for (var i = 0; i < arrival.Length; i++)
            arrival[i] = byItem.RowLength(i) == 0 ? 0f : MathF.Pow(byItem.RowLength(i), -settings.Beta);
        return ItemNeighbours.FromRows(positives.ColumnCount, settings.Neighbours, (j, row) =>
        {
            var n = byItem.RowLength(j);
            if (n == 0) return;
            CoOccurrence.AddRow(positives, byItem, j, userWeights, row);
            var departure = MathF.Pow(1f / n, settings.Alpha);
            for (var i = 0; i < row.Length; i++)
                if (row[i] != 0f) row[i] *= departure * arrival[i];
        }, maxDegreeOfParallelism);
    }
}
