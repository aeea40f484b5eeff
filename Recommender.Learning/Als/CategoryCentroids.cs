using System.Numerics.Tensors;

namespace Recommender.Learning;

/// <summary>
/// Cold-start item vectors from categories: the centroid of the vectors of the trained items that
/// share at least one category, averaged over the item's categories. A new item can then be scored
/// (and found by the item step's warm start) before anyone has interacted with it.
/// </summary>
public static class CategoryCentroids
{
    /// <summary>Sets y_i of every item for which <paramref name="isTrained"/> is false and that has categories.</summary>
    public static void Initialize(AlsModel model, IReadOnlyList<MovieLensMovie> movies, int categoryCount, Func<int, bool> isTrained)
    {
        int k = model.Factors;
        var sums = new float[categoryCount * k];
        var counts = new int[categoryCount];
        foreach (var m in movies)
        {
            int i = m.Id - 1;
            if (i >= model.Items || !isTrained(i)) continue;
            foreach (int g in m.GenreIds)
            {
                var row = sums.AsSpan(g * k, k);
                TensorPrimitives.Add(row, model.ItemVector(i), row);
                counts[g]++;
            }
        }
        foreach (var m in movies)
        {
            int i = m.Id - 1;
            if (i >= model.Items || isTrained(i)) continue;
            var y = model.ItemVector(i);
            y.Clear();
            int used = 0;
            foreach (int g in m.GenreIds)
            {
                if (counts[g] == 0) continue;
                TensorPrimitives.MultiplyAdd(sums.AsSpan(g * k, k), 1f / counts[g], y, y);
                used++;
            }
            if (used > 1) TensorPrimitives.Multiply(y, 1f / used, y);
        }
    }
}
