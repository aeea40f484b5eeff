using Recommender.Learning;

namespace Recommender.Tests.Learning;

public class GramTests
{
    private static double[] Naive(float[] f, int rows, int k)
    {
        var g = new double[k * k];
        for (int r = 0; r < rows; r++)
            for (int a = 0; a < k; a++)
                for (int b = 0; b < k; b++) g[a * k + b] += (double)f[r * k + a] * f[r * k + b];
        return g;
    }

    [Theory]
    [InlineData(37, 5)]
    [InlineData(25_000, 16)] // above the parallel threshold
    public void Matches_naive_FtF(int rows, int k)
    {
        var f = DenseSolver.RandomMatrix(new Random(rows), rows, k);
        var g = Gram.Compute(f, rows, k);
        var expected = Naive(f, rows, k);
        for (int j = 0; j < g.Length; j++) Assert.InRange(g[j], expected[j] - 1e-3 * rows, expected[j] + 1e-3 * rows);
    }

    [Fact]
    public void Replace_keeps_the_gram_current()
    {
        int rows = 20, k = 6;
        var f = DenseSolver.RandomMatrix(new Random(1), rows, k);
        var g = Gram.Compute(f, rows, k);
        var old = f.AsSpan(3 * k, k).ToArray();
        var fresh = DenseSolver.RandomMatrix(new Random(2), 1, k);
        fresh.CopyTo(f, 3 * k);
        Gram.Replace(g, old, fresh);
        var expected = Gram.Compute(f, rows, k);
        for (int j = 0; j < g.Length; j++) Assert.InRange(g[j], expected[j] - 1e-4f, expected[j] + 1e-4f);
    }
}
