using System.Buffers;
using System.Numerics.Tensors;

namespace Recommender.Learning;

/// <summary>
/// The exact implicit-ALS row step (Hu, Koren &amp; Volinsky 2008), solved approximately by a few
/// conjugate-gradient steps warm-started from the current vector (Takács, Pilászy &amp; Tikk 2011;
/// the <c>implicit</c> library's <c>least_squares_cg</c>).
///
/// For a user u with factor x, item factors Y (n × k) and observed entries I(u):
///   minimise  Σ_i c_ui (p_ui − x·y_i)² + λ|x|²,   with c = 1, p = 0 on every unobserved cell.
/// Setting the gradient to zero gives the k × k normal equations A x = b with
///   A = YᵀY + Σ_{i∈I(u)} (c_ui − 1) y_i y_iᵀ + λI        (YᵀY carries the c = 1 of every cell)
///   b = Σ_{i∈I(u)} c_ui p_ui y_i                          (unobserved cells have p = 0)
/// A is symmetric positive definite (λ &gt; 0, c ≥ 1 assumed), so CG applies. A is never formed:
///   A p = YᵀY p + Σ_i (c_i − 1)(y_i·p) y_i + λp   costs O(k² + |I(u)|·k).
/// A negative observation (a dislike) is p = 0 with raised confidence: it adds to A (pulls x·y_i
/// towards 0 harder than an unseen item) and nothing to b.
/// The item step is the same function with the roles swapped: pass the user factors, XᵀX and the
/// item's users.
/// </summary>
public static class FoldIn
{
    /// <summary>Stop when |r|² falls below this: the row is solved to float precision.</summary>
    private const float ResidualFloor = 1e-20f;

    /// <summary>Factor sizes up to this use stack scratch; larger ones rent from the pool.</summary>
    private const int StackLimit = 256;

    /// <summary>
    /// Runs <paramref name="cgSteps"/> CG steps on A x = b from the current <paramref name="x"/>
    /// (the warm start) and writes the result back into <paramref name="x"/>. Allocation-free.
    /// </summary>
    /// <param name="x">The row's vector (length k): read as the start, overwritten with the result.</param>
    /// <param name="itemFactors">The other side's factors, row-major (row i at [i*k, i*k+k)).</param>
    /// <param name="factors">k.</param>
    /// <param name="gram">The other side's Gram matrix YᵀY (k × k, without λ).</param>
    /// <param name="items">Indices of the observed entries of this row.</param>
    /// <param name="confidence">c for each observed entry (≥ 1 expected).</param>
    /// <param name="preference">p for each observed entry (1 = positive, 0 = negative evidence).</param>
    /// <param name="lambda">λ, the L2 regularisation.</param>
    /// <param name="cgSteps">CG steps; k steps solve the system exactly in exact arithmetic.</param>
    /// <returns>|b − A x|², the squared residual after the last step.</returns>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static float User(
        Span<float> x,
        ReadOnlySpan<float> itemFactors,
        int factors,
        ReadOnlySpan<float> gram,
        ReadOnlySpan<int> items,
        ReadOnlySpan<float> confidence,
        ReadOnlySpan<float> preference,
        float lambda,
        int cgSteps)
    {
        int k = factors;
        if (x.Length != k) throw new ArgumentException("x must have length k", nameof(x));
        if (gram.Length < k * k) throw new ArgumentException("gram must be k*k", nameof(gram));
        if (confidence.Length != items.Length || preference.Length != items.Length)
            throw new ArgumentException("items, confidence and preference must have the same length");

        float[]? rented = null;
        Span<float> scratch = k <= StackLimit
            ? stackalloc float[3 * k]
            : (rented = ArrayPool<float>.Shared.Rent(3 * k));
        try
        {
            var r = scratch[..k];
            var p = scratch.Slice(k, k);
            var ap = scratch.Slice(2 * k, k);

            // r = b − A x, computed in one pass over the observed entries:
            //   r = −(YᵀY + λI) x + Σ_i [c_i p_i − (c_i − 1)(y_i·x)] y_i
            MultiplyGram(gram, x, r, k, lambda);
            TensorPrimitives.Negate(r, r);
            for (int j = 0; j < items.Length; j++)
            {
                var y = itemFactors.Slice(items[j] * k, k);
                float c = confidence[j];
                float w = c == 1f ? preference[j] : c * preference[j] - (c - 1f) * TensorPrimitives.Dot(y, x);
                if (w != 0f) TensorPrimitives.MultiplyAdd(y, w, r, r);
            }

            r.CopyTo(p);
            float rsOld = TensorPrimitives.Dot(r, r);
            if (rsOld < ResidualFloor) return rsOld;

            for (int step = 0; step < cgSteps; step++)
            {
                // ap = A p without forming A: (YᵀY + λI) p + Σ_i (c_i − 1)(y_i·p) y_i
                MultiplyGram(gram, p, ap, k, lambda);
                for (int j = 0; j < items.Length; j++)
                {
                    float cm1 = confidence[j] - 1f;
                    if (cm1 == 0f) continue;
                    var y = itemFactors.Slice(items[j] * k, k);
                    TensorPrimitives.MultiplyAdd(y, cm1 * TensorPrimitives.Dot(y, p), ap, ap);
                }

                // Standard CG: step length α = rᵀr / pᵀAp along the A-conjugate direction p.
                float pAp = TensorPrimitives.Dot(p, ap);
                if (!(pAp > 0f)) break; // A lost definiteness numerically (or p = 0): stop here.
                float alpha = rsOld / pAp;
                TensorPrimitives.MultiplyAdd(p, alpha, x, x);   // x += α p
                TensorPrimitives.MultiplyAdd(ap, -alpha, r, r); // r −= α A p
                float rsNew = TensorPrimitives.Dot(r, r);
                if (rsNew < ResidualFloor) return rsNew;
                // p = r + (rᵀr_new / rᵀr_old) p keeps the directions A-conjugate.
                TensorPrimitives.MultiplyAdd(p, rsNew / rsOld, r, p);
                rsOld = rsNew;
            }
            return rsOld;
        }
        finally
        {
            if (rented is not null) ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// The item step: identical maths with the roles of users and items swapped
    /// (y_i is fitted against its users' vectors X and XᵀX).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static float Item(
        Span<float> y,
        ReadOnlySpan<float> userFactors,
        int factors,
        ReadOnlySpan<float> userGram,
        ReadOnlySpan<int> users,
        ReadOnlySpan<float> confidence,
        ReadOnlySpan<float> preference,
        float lambda,
        int cgSteps)
        => User(y, userFactors, factors, userGram, users, confidence, preference, lambda, cgSteps);

    /// <summary>dest = (G + λI) v for a symmetric k × k G.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyGram(ReadOnlySpan<float> gram, ReadOnlySpan<float> v, Span<float> dest, int k, float lambda)
    {
        for (int a = 0; a < k; a++)
            dest[a] = TensorPrimitives.Dot(gram.Slice(a * k, k), v) + lambda * v[a];
    }
}
