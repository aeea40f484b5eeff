using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Recommender.Learning;

/// <summary>
/// In-place inverse of a symmetric positive-definite n × n matrix in float32 (row-major, full
/// storage), for EASE's P = (XᵀX + λI)⁻¹. Three phases, each n³/3 multiply-adds and each one
/// "dot products of two contiguous rows" (the NT kernel <see cref="Gemm.SubtractNT"/>):
///   1. Cholesky A = L Lᵀ, left-looking by blocks of <see cref="Block"/> rows:
///        A[J, J..] −= L[J, 0:j0] · L[J.., 0:j0]ᵀ, then an unblocked factor/solve of the block column.
///   2. U = (L⁻¹)ᵀ, upper triangular, row j of U solved against L:  L·u_j = e_j written as
///        U[j, i] = (δ_ij − Σ_{j≤p&lt;i} L[i, p]·U[j, p]) / L[i, i]   (row j of U and row i of L, both contiguous).
///   3. A⁻¹ = L⁻ᵀL⁻¹ = U·Uᵀ:  P[i, j] = Σ_{p ≥ max(i, j)} U[i, p]·U[j, p].
/// float32 is enough here: P is only used through EASE's ratios −P_ij / P_jj and the ridge λ keeps
/// the matrix well conditioned (the tests compare against a float64 reference).
/// </summary>
public static class SpdInverse
{
    /// <summary>Rows per block: a block row of 128 floats × p-chunk stays in L1/L2 while the kernel sweeps.</summary>
    public const int Block = 128;

    /// <summary>Inverts <paramref name="a"/> (n × n) in place. Throws if it is not positive definite.</summary>
    public static void Invert(float[] a, int n, int maxDegreeOfParallelism = -1)
    {
        if (a.Length < (long)n * n) throw new ArgumentException("a must hold n*n values", nameof(a));
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
        Cholesky(a, n, parallel);
        var u = new float[(long)n * n];
        InvertLowerTransposed(a, u, n, parallel);
        MultiplyByTranspose(u, a, n, parallel);
    }

    /// <summary>Lower Cholesky factor in place (the upper triangle is left as it was).</summary>
    internal static void Cholesky(float[] a, int n, ParallelOptions parallel)
    {
        for (int j0 = 0; j0 < n; j0 += Block)
        {
            int j1 = Math.Min(n, j0 + Block);
            // Update the block column [j0, j1) × rows [j0, n) with the factored columns [0, j0).
            if (j0 > 0)
            {
                int rows = n - j0;
                int tiles = (rows + Block - 1) / Block;
                Parallel.For(0, tiles, parallel, t =>
                {
                    int r0 = j0 + t * Block, r1 = Math.Min(n, r0 + Block);
                    // C[r, c] −= Σ_p L[r, p]·L[c, p] for r in [r0, r1), c in [j0, min(r, j1-1)]
                    Gemm.SubtractNT(a, n, a, r0, r1, a, j0, j1, 0, j0, lowerOnly: r0 == j0);
                });
            }
            // Unblocked factor of the diagonal block, columns j0..j1-1 in order.
            for (int j = j0; j < j1; j++)
            {
                var rowJ = a.AsSpan(j * n, n);
                float d = rowJ[j] - Dot(rowJ.Slice(j0, j - j0), rowJ.Slice(j0, j - j0));
                if (!(d > 0f) || !float.IsFinite(d)) throw new ArithmeticException($"matrix is not positive definite (pivot {j}: {d})");
                float ljj = MathF.Sqrt(d);
                rowJ[j] = ljj;
                float inv = 1f / ljj;
                var jPart = rowJ.Slice(j0, j - j0);
                for (int i = j + 1; i < j1; i++)
                {
                    var rowI = a.AsSpan(i * n, n);
                    rowI[j] = (rowI[j] - Dot(rowI.Slice(j0, j - j0), jPart)) * inv;
                }
            }
            // The rows below: L[i, J] = A[i, J]·L[J, J]⁻ᵀ, a forward solve per row, rows independent.
            if (j1 < n)
            {
                int below = n - j1;
                int chunks = Math.Min(below, 4 * Environment.ProcessorCount);
                Parallel.For(0, chunks, parallel, t =>
                {
                    int from = j1 + (int)((long)below * t / chunks), to = j1 + (int)((long)below * (t + 1) / chunks);
                    for (int i = from; i < to; i++)
                    {
                        var rowI = a.AsSpan(i * n, n);
                        for (int j = j0; j < j1; j++)
                        {
                            var rowJ = a.AsSpan(j * n, n);
                            rowI[j] = (rowI[j] - Dot(rowI.Slice(j0, j - j0), rowJ.Slice(j0, j - j0))) / rowJ[j];
                        }
                    }
                });
            }
        }
    }

    /// <summary>U = (L⁻¹)ᵀ: upper triangular, row-major, rows independent (parallel).</summary>
    internal static void InvertLowerTransposed(float[] l, float[] u, int n, ParallelOptions parallel)
    {
        var diagonalInverse = new float[n];
        for (int i = 0; i < n; i++) diagonalInverse[i] = 1f / l[(long)i * n + i];
        int blocks = (n + Block - 1) / Block;
        // Row block J of U depends only on L: blocks of rows are independent. Within a block, columns go
        // left to right by blocks I: first the GEMM of everything left of I, then a small forward solve.
        Parallel.For(0, blocks, parallel, jb =>
        {
            int j0 = jb * Block, j1 = Math.Min(n, j0 + Block);
            for (int i0 = j0; i0 < n; i0 += Block)
            {
                int i1 = Math.Min(n, i0 + Block);
                // U[J, I] −= U[J, j0:i0] · L[I, j0:i0]ᵀ   (U[j, p] = 0 for p < j, so start at j0)
                if (i0 > j0) Gemm.SubtractNT(u, n, u, j0, j1, l, i0, i1, j0, i0, lowerOnly: false);
                for (int j = j0; j < j1; j++)
                {
                    var rowU = u.AsSpan(j * n, n);
                    int start = Math.Max(i0, j);
                    if (start == j) rowU[j] += 1f; // δ_jj
                    for (int i = start; i < i1; i++)
                    {
                        // the part of the sum inside the block: p in [max(i0, j), i)
                        int p0 = Math.Max(i0, j);
                        float s = rowU[i] - Dot(l.AsSpan(i * n + p0, i - p0), rowU.Slice(p0, i - p0));
                        rowU[i] = s * diagonalInverse[i];
                    }
                }
            }
        });
    }

    /// <summary>P = U·Uᵀ for upper-triangular U, written to both triangles of <paramref name="p"/>.</summary>
    internal static void MultiplyByTranspose(float[] u, float[] p, int n, ParallelOptions parallel)
    {
        Array.Clear(p, 0, n * n);
        int blocks = (n + Block - 1) / Block;
        // Tiles (I, J) with J ≥ I; the contraction over p starts at the later block (U is upper triangular).
        var tiles = new List<(int I, int J)>();
        for (int ib = 0; ib < blocks; ib++) for (int jb = ib; jb < blocks; jb++) tiles.Add((ib, jb));
        Parallel.ForEach(tiles, parallel, tile =>
        {
            int i0 = tile.I * Block, i1 = Math.Min(n, i0 + Block);
            int j0 = tile.J * Block, j1 = Math.Min(n, j0 + Block);
            // P[I, J] = Σ_p U[I, p]·U[J, p] over p ≥ j0 (entries of row J before j0 are zero).
            Gemm.SubtractNT(p, n, u, i0, i1, u, j0, j1, j0, n, lowerOnly: false, negate: true);
        });
        // Mirror the upper tiles into the lower triangle.
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
                p[(long)j * n + i] = p[(long)i * n + j];
    }

    private static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y) => System.Numerics.Tensors.TensorPrimitives.Dot(x, y);
}

/// <summary>The one dense kernel: C[r, c] −= Σ_p A[r, p]·B[c, p] (or += with negate), rows contiguous in p.</summary>
internal static class Gemm
{
    /// <summary>p-chunk: 4 rows of A and 4 of B × 256 floats = 8 KB, inside L1.</summary>
    private const int Chunk = 256;

    /// <param name="c">Output, row-major with stride <paramref name="n"/>.</param>
    /// <param name="a">Left rows [r0, r1).</param>
    /// <param name="b">Right rows [c0, c1).</param>
    /// <param name="p0">Contraction range start.</param>
    /// <param name="p1">Contraction range end.</param>
    /// <param name="lowerOnly">Only c ≤ r (a diagonal tile of a symmetric update).</param>
    /// <param name="negate">Add instead of subtract.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SubtractNT(float[] c, int n, float[] a, int r0, int r1, float[] b, int c0, int c1, int p0, int p1, bool lowerOnly, bool negate = false)
    {
        if (p1 <= p0) return;
        float sign = negate ? 1f : -1f;
        ref float aRef = ref MemoryMarshal.GetArrayDataReference(a);
        ref float bRef = ref MemoryMarshal.GetArrayDataReference(b);
        for (int q0 = p0; q0 < p1; q0 += Chunk)
        {
            int q1 = Math.Min(p1, q0 + Chunk);
            int len = q1 - q0;
            int r = r0;
            for (; r + 4 <= r1; r += 4)
            {
                int cEnd = lowerOnly ? Math.Min(c1, r + 4) : c1;
                int cc = c0;
                for (; cc + 4 <= cEnd; cc += 4)
                    Kernel4x4(c, n, ref aRef, ref bRef, r, cc, q0, len, sign);
                for (; cc < cEnd; cc++)
                    for (int rr = r; rr < r + 4; rr++)
                        if (!lowerOnly || cc <= rr) c[(long)rr * n + cc] += sign * DotAt(ref aRef, (long)rr * n + q0, ref bRef, (long)cc * n + q0, len);
            }
            for (; r < r1; r++)
            {
                int cEnd = lowerOnly ? Math.Min(c1, r + 1) : c1;
                for (int cc = c0; cc < cEnd; cc++)
                    c[(long)r * n + cc] += sign * DotAt(ref aRef, (long)r * n + q0, ref bRef, (long)cc * n + q0, len);
            }
        }
    }

    /// <summary>A 4 × 4 tile: 16 accumulators, 8 loads per 16 fused multiply-adds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel4x4(float[] c, int n, ref float a, ref float b, int r, int cc, int q0, int len, float sign)
    {
        long ra = (long)r * n + q0, rb = (long)cc * n + q0;
        Vector256<float> s00 = default, s01 = default, s02 = default, s03 = default;
        Vector256<float> s10 = default, s11 = default, s12 = default, s13 = default;
        Vector256<float> s20 = default, s21 = default, s22 = default, s23 = default;
        Vector256<float> s30 = default, s31 = default, s32 = default, s33 = default;
        int p = 0;
        for (; p + 8 <= len; p += 8)
        {
            var a0 = Vector256.LoadUnsafe(ref a, (nuint)(ra + p));
            var a1 = Vector256.LoadUnsafe(ref a, (nuint)(ra + n + p));
            var a2 = Vector256.LoadUnsafe(ref a, (nuint)(ra + 2L * n + p));
            var a3 = Vector256.LoadUnsafe(ref a, (nuint)(ra + 3L * n + p));
            var b0 = Vector256.LoadUnsafe(ref b, (nuint)(rb + p));
            var b1 = Vector256.LoadUnsafe(ref b, (nuint)(rb + n + p));
            var b2 = Vector256.LoadUnsafe(ref b, (nuint)(rb + 2L * n + p));
            var b3 = Vector256.LoadUnsafe(ref b, (nuint)(rb + 3L * n + p));
            s00 = Vector256.FusedMultiplyAdd(a0, b0, s00); s01 = Vector256.FusedMultiplyAdd(a0, b1, s01);
            s02 = Vector256.FusedMultiplyAdd(a0, b2, s02); s03 = Vector256.FusedMultiplyAdd(a0, b3, s03);
            s10 = Vector256.FusedMultiplyAdd(a1, b0, s10); s11 = Vector256.FusedMultiplyAdd(a1, b1, s11);
            s12 = Vector256.FusedMultiplyAdd(a1, b2, s12); s13 = Vector256.FusedMultiplyAdd(a1, b3, s13);
            s20 = Vector256.FusedMultiplyAdd(a2, b0, s20); s21 = Vector256.FusedMultiplyAdd(a2, b1, s21);
            s22 = Vector256.FusedMultiplyAdd(a2, b2, s22); s23 = Vector256.FusedMultiplyAdd(a2, b3, s23);
            s30 = Vector256.FusedMultiplyAdd(a3, b0, s30); s31 = Vector256.FusedMultiplyAdd(a3, b1, s31);
            s32 = Vector256.FusedMultiplyAdd(a3, b2, s32); s33 = Vector256.FusedMultiplyAdd(a3, b3, s33);
        }
        Span<float> t = stackalloc float[16];
        t[0] = Vector256.Sum(s00); t[1] = Vector256.Sum(s01); t[2] = Vector256.Sum(s02); t[3] = Vector256.Sum(s03);
        t[4] = Vector256.Sum(s10); t[5] = Vector256.Sum(s11); t[6] = Vector256.Sum(s12); t[7] = Vector256.Sum(s13);
        t[8] = Vector256.Sum(s20); t[9] = Vector256.Sum(s21); t[10] = Vector256.Sum(s22); t[11] = Vector256.Sum(s23);
        t[12] = Vector256.Sum(s30); t[13] = Vector256.Sum(s31); t[14] = Vector256.Sum(s32); t[15] = Vector256.Sum(s33);
        for (; p < len; p++)
            for (int i = 0; i < 4; i++)
            {
                float av = Unsafe.Add(ref a, (nint)(ra + (long)i * n + p));
                for (int j = 0; j < 4; j++) t[i * 4 + j] += av * Unsafe.Add(ref b, (nint)(rb + (long)j * n + p));
            }
        for (int i = 0; i < 4; i++)
        {
            long row = (long)(r + i) * n + cc;
            for (int j = 0; j < 4; j++) c[row + j] += sign * t[i * 4 + j];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float DotAt(ref float a, long ai, ref float b, long bi, int len) =>
        System.Numerics.Tensors.TensorPrimitives.Dot(
            MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref a, (nint)ai), len),
            MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref b, (nint)bi), len));
}
