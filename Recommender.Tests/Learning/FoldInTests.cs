using Recommender.Learning;

namespace Recommender.Tests.Learning;

public class FoldInTests
{
    private const int K = 8;

    private static (float[] Y, float[] Gram, int[] Items, float[] Conf, float[] Pref) Case(int seed)
    {
        var rng = new Random(seed);
        int n = 40;
        var y = DenseSolver.RandomMatrix(rng, n, K, 0.5f);
        int[] items = [1, 4, 7, 12, 20, 33, 39];
        float[] conf = [5f, 1f, 3f, 10f, 2f, 8f, 4f];
        float[] pref = [1f, 1f, 0f, 1f, 1f, 0f, 1f]; // two negative observations (p = 0, raised c)
        return (y, Gram.Compute(y, n, K), items, conf, pref);
    }

    [Fact]
    public void Equals_the_exact_ALS_user_step_after_k_CG_steps()
    {
        var (y, gram, items, conf, pref) = Case(1);
        const float lambda = 0.5f;
        var exact = DenseSolver.ExactRowStep(y, K, items, conf, pref, lambda);

        var x = new float[K];
        for (int a = 0; a < K; a++) x[a] = 0.3f * (a % 3 - 1); // arbitrary warm start
        FoldIn.User(x, y, K, gram, items, conf, pref, lambda, cgSteps: 3 * K);

        for (int a = 0; a < K; a++) Assert.InRange(x[a], exact[a] - 1e-3, exact[a] + 1e-3);
    }

    [Fact]
    public void Item_step_is_the_same_solver_with_roles_swapped()
    {
        var (y, gram, items, conf, pref) = Case(2);
        var a = new float[K];
        var b = new float[K];
        FoldIn.User(a, y, K, gram, items, conf, pref, 1f, K);
        FoldIn.Item(b, y, K, gram, items, conf, pref, 1f, K);
        Assert.Equal(a, b);
    }

    [Fact]
    public void CG_converges_row_loss_never_rises_and_residual_falls()
    {
        var (y, gram, items, conf, pref) = Case(3);
        var losses = new List<double>();
        var residuals = new List<float>();
        for (int steps = 0; steps <= K; steps++)
        {
            var x = new float[K];
            for (int a = 0; a < K; a++) x[a] = 0.1f;
            FoldIn.User(x, y, K, gram, items, conf, pref, 0.1f, steps);
            losses.Add(RowLoss(x, y, items, conf, pref, 0.1f));
            residuals.Add(Residual(x, y, gram, items, conf, pref, 0.1f));
        }
        // CG minimises the quadratic over growing Krylov spaces: the row's loss never rises ...
        for (int s = 1; s < losses.Count; s++) Assert.True(losses[s] <= losses[s - 1] + 1e-6, $"step {s}: {losses[s]} > {losses[s - 1]}");
        // ... and the residual |b − Ax|² collapses (it need not fall monotonically in CG).
        Assert.True(residuals[3] < 0.1f * residuals[0], $"{residuals[3]} vs {residuals[0]}");
        Assert.True(residuals[^1] < 1e-6f * residuals[0], $"{residuals[^1]} vs {residuals[0]}");
    }

    /// <summary>Σ_i c_i (p_i − x·y_i)² + λ|x|² over ALL items (c = 1, p = 0 for unobserved), in double.</summary>
    private static double RowLoss(float[] x, float[] y, int[] items, float[] conf, float[] pref, float lambda)
    {
        int n = y.Length / K;
        double loss = lambda * x.Sum(v => (double)v * v);
        for (int i = 0; i < n; i++)
        {
            double s = 0;
            for (int a = 0; a < K; a++) s += (double)x[a] * y[i * K + a];
            int j = Array.IndexOf(items, i);
            double c = j >= 0 ? conf[j] : 1, p = j >= 0 ? pref[j] : 0;
            loss += c * (p - s) * (p - s);
        }
        return loss;
    }

    [Fact]
    public void Warm_start_from_the_solution_stays_there()
    {
        var (y, gram, items, conf, pref) = Case(4);
        var x = new float[K];
        FoldIn.User(x, y, K, gram, items, conf, pref, 1f, 4 * K);
        var before = (float[])x.Clone();
        float r = FoldIn.User(x, y, K, gram, items, conf, pref, 1f, 3);
        Assert.True(r < 1e-6f);
        for (int a = 0; a < K; a++) Assert.InRange(x[a], before[a] - 1e-4f, before[a] + 1e-4f);
    }

    [Fact]
    public void Negative_evidence_lowers_the_score()
    {
        var (y, gram, _, _, _) = Case(5);
        int[] items = [3, 9];
        var positive = new float[K];
        var negative = new float[K];
        FoldIn.User(positive, y, K, gram, items, [4f, 4f], [1f, 1f], 0.5f, K);
        FoldIn.User(negative, y, K, gram, items, [4f, 4f], [1f, 0f], 0.5f, K);
        float Score(float[] x, int i) => System.Numerics.Tensors.TensorPrimitives.Dot(x, y.AsSpan(i * K, K));
        Assert.True(Score(negative, 9) < Score(positive, 9));
    }

    [Fact]
    public void Hot_path_does_not_allocate()
    {
        var (y, gram, items, conf, pref) = Case(6);
        var x = new float[K];
        FoldIn.User(x, y, K, gram, items, conf, pref, 1f, 3);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int n = 0; n < 100; n++) FoldIn.User(x, y, K, gram, items, conf, pref, 1f, 3);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static float Residual(float[] x, float[] y, float[] gram, int[] items, float[] conf, float[] pref, float lambda)
    {
        // r = b − A x with A, b as in FoldIn's summary, in double.
        var r = new double[K];
        for (int a = 0; a < K; a++)
        {
            double s = lambda * x[a];
            for (int b = 0; b < K; b++) s += gram[a * K + b] * x[b];
            r[a] = -s;
        }
        for (int j = 0; j < items.Length; j++)
        {
            double dot = 0;
            for (int a = 0; a < K; a++) dot += y[items[j] * K + a] * x[a];
            for (int a = 0; a < K; a++) r[a] += (conf[j] * pref[j] - (conf[j] - 1) * dot) * y[items[j] * K + a];
        }
        return (float)r.Sum(v => v * v);
    }
}
