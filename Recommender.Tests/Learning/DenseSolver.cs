namespace Recommender.Tests.Learning;

/// <summary>Reference linear algebra for tests: Gaussian elimination with partial pivoting, in double.</summary>
internal static class DenseSolver
{
    public static double[] Solve(double[,] a, double[] b)
    {
        int n = b.Length;
        var m = (double[,])a.Clone();
        var x = (double[])b.Clone();
        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < n; r++) if (Math.Abs(m[r, col]) > Math.Abs(m[pivot, col])) pivot = r;
            if (pivot != col)
            {
                for (int c = 0; c < n; c++) (m[col, c], m[pivot, c]) = (m[pivot, c], m[col, c]);
                (x[col], x[pivot]) = (x[pivot], x[col]);
            }
            for (int r = col + 1; r < n; r++)
            {
                double f = m[r, col] / m[col, col];
                for (int c = col; c < n; c++) m[r, c] -= f * m[col, c];
                x[r] -= f * x[col];
            }
        }
        for (int r = n - 1; r >= 0; r--)
        {
            double s = x[r];
            for (int c = r + 1; c < n; c++) s -= m[r, c] * x[c];
            x[r] = s / m[r, r];
        }
        return x;
    }

    /// <summary>The exact ALS row step: A = YᵀY + Σ(c−1)y yᵀ + λI, b = Σ c p y, solved directly.</summary>
    public static double[] ExactRowStep(float[] y, int k, int[] items, float[] conf, float[] pref, float lambda)
    {
        int n = y.Length / k;
        var a = new double[k, k];
        var b = new double[k];
        for (int i = 0; i < n; i++)
            for (int p = 0; p < k; p++)
                for (int q = 0; q < k; q++) a[p, q] += (double)y[i * k + p] * y[i * k + q];
        for (int j = 0; j < items.Length; j++)
        {
            int i = items[j];
            for (int p = 0; p < k; p++)
            {
                b[p] += (double)conf[j] * pref[j] * y[i * k + p];
                for (int q = 0; q < k; q++) a[p, q] += (conf[j] - 1.0) * y[i * k + p] * y[i * k + q];
            }
        }
        for (int p = 0; p < k; p++) a[p, p] += lambda;
        return Solve(a, b);
    }

    public static float[] RandomMatrix(Random rng, int rows, int cols, float scale = 1f)
    {
        var m = new float[rows * cols];
        for (int j = 0; j < m.Length; j++) m[j] = (float)(rng.NextDouble() * 2 - 1) * scale;
        return m;
    }
}
