using System.Numerics.Tensors;

namespace Recommender.Learning;

/// <summary>
/// The Gram matrix G = FᵀF of a row-major factor matrix F (rows × k), a k × k symmetric matrix.
/// In implicit ALS it carries the "every unobserved cell has confidence 1 and preference 0" part
/// of the loss for free: Σ_i (x·y_i)² = xᵀ(YᵀY)x, so a user step never touches the unobserved items.
/// </summary>
public static class Gram
{
    /// <summary>Rows above which the k output rows of G are computed in parallel.</summary>
    private const int ParallelRowThreshold = 20_000;

    /// <summary>
    /// gram[a*k + b] = Σ_r F[r,a]·F[r,b]. Each output row a is accumulated as Σ_r F[r,a]·F[r,:]
    /// (one SIMD axpy per factor row), always in row order r = 0..rows-1, so the result is the same
    /// bit for bit whether or not the output rows are spread over cores.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void Compute(ReadOnlySpan<float> factors, int rows, int k, Span<float> gram)
    {
        if (factors.Length < rows * k) throw new ArgumentException("factors shorter than rows*k", nameof(factors));
        if (gram.Length < k * k) throw new ArgumentException("gram shorter than k*k", nameof(gram));
        gram[..(k * k)].Clear();
        if (rows < ParallelRowThreshold)
        {
            for (int r = 0; r < rows; r++)
                AddOuter(gram, factors.Slice(r * k, k), 1f);
            return;
        }
        unsafe
        {
            fixed (float* f = factors)
            fixed (float* g = gram)
            {
                nint fp = (nint)f, gp = (nint)g;
                Parallel.For(0, k, a =>
                {
                    var src = new ReadOnlySpan<float>((float*)fp, rows * k);
                    var row = new Span<float>((float*)gp + a * k, k);
                    for (int r = 0; r < rows; r++)
                    {
                        float s = src[r * k + a];
                        if (s != 0f) TensorPrimitives.MultiplyAdd(src.Slice(r * k, k), s, row, row);
                    }
                });
            }
        }
    }

    /// <summary>Allocating convenience overload.</summary>
    public static float[] Compute(ReadOnlySpan<float> factors, int rows, int k)
    {
        var g = new float[k * k];
        Compute(factors, rows, k, g);
        return g;
    }

    /// <summary>
    /// gram += weight · v vᵀ. With weight −1 for the old vector and +1 for the new one this keeps a
    /// Gram matrix current under single-row changes in O(k²) instead of O(rows·k²).
    /// </summary>
    public static void AddOuter(Span<float> gram, ReadOnlySpan<float> v, float weight)
    {
        int k = v.Length;
        for (int a = 0; a < k; a++)
        {
            float s = weight * v[a];
            if (s == 0f) continue;
            var row = gram.Slice(a * k, k);
            TensorPrimitives.MultiplyAdd(v, s, row, row);
        }
    }

    /// <summary>gram += v_newv_newᵀ − v_oldv_oldᵀ: replace one row's contribution.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void Replace(Span<float> gram, ReadOnlySpan<float> oldRow, ReadOnlySpan<float> newRow)
    {
        AddOuter(gram, oldRow, -1f);
        AddOuter(gram, newRow, 1f);
    }
}
