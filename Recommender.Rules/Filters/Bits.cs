using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Recommender.Rules;

/// <summary>
/// Word-array bitsets: slot i is bit (i &amp; 63) of word i &gt;&gt; 6. Every operation keeps bits
/// at or past <c>count</c> zero, so NOT is the only one that needs to mask the last word.
/// </summary>
internal static class Bits
{
    public static int Words(int count) => (count + 63) >> 6;

    /// <summary>The bits of the last word that are slots below count (all 64 when count is a multiple of 64).</summary>
    public static ulong TailMask(int count) => (count & 63) == 0 ? ulong.MaxValue : (1UL << (count & 63)) - 1;

    public static void Fill(Span<ulong> into, int count)
    {
        into.Fill(ulong.MaxValue);
        if (into.Length > 0) into[^1] &= TailMask(count);
    }

    public static void Not(Span<ulong> into, int count)
    {
        for (var i = 0; i < into.Length; i++) into[i] = ~into[i];
        if (into.Length > 0) into[^1] &= TailMask(count);
    }

    // Vector<ulong> (4 words with AVX2): the JIT does not vectorise these loops by itself.
    public static void And(Span<ulong> into, ReadOnlySpan<ulong> other)
    {
        var n = Math.Min(into.Length, other.Length);
        var i = 0;
        for (; i + Vector<ulong>.Count <= n; i += Vector<ulong>.Count)
            (new Vector<ulong>(into[i..]) & new Vector<ulong>(other[i..])).CopyTo(into[i..]);
        for (; i < n; i++) into[i] &= other[i];
        into[n..].Clear();
    }

    public static void Or(Span<ulong> into, ReadOnlySpan<ulong> other)
    {
        var n = Math.Min(into.Length, other.Length);
        var i = 0;
        for (; i + Vector<ulong>.Count <= n; i += Vector<ulong>.Count)
            (new Vector<ulong>(into[i..]) | new Vector<ulong>(other[i..])).CopyTo(into[i..]);
        for (; i < n; i++) into[i] |= other[i];
    }

    /// <summary>into &amp;= ~other over other's length (a shorter other clears nothing past it).</summary>
    public static void AndNot(Span<ulong> into, ReadOnlySpan<ulong> other)
    {
        var n = Math.Min(into.Length, other.Length);
        var i = 0;
        for (; i + Vector<ulong>.Count <= n; i += Vector<ulong>.Count)
            Vector.AndNot(new Vector<ulong>(into[i..]), new Vector<ulong>(other[i..])).CopyTo(into[i..]);
        for (; i < n; i++) into[i] &= ~other[i];
    }

    public static bool IsEmpty(ReadOnlySpan<ulong> bits) => bits.IndexOfAnyExcept(0UL) < 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Set(Span<ulong> bits, int slot) => bits[slot >> 6] |= 1UL << slot;
}

/// <summary>
/// Range predicates over a number column: bit i is set when values[i] op c. Absent values are NaN,
/// and every IEEE comparison with NaN is false, so absence needs no separate mask — except for
/// "!=", written (v == v) ∧ ¬(v == c) so that NaN stays unmatched.
/// With AVX2, 4 doubles compare per instruction; the sign bits of the 4 lane masks
/// (ExtractMostSignificantBits) give 4 slots' bits, 16 of them make a word. Branch-free.
/// </summary>
internal static class NumericScan
{
    public static void Or(ReadOnlySpan<double> values, CompareOp op, double c, Span<ulong> into, int count)
    {
        var n = Math.Min(count, values.Length);
        switch (op)
        {
            case CompareOp.Eq: Run<EqOp>(values, c, into, n); break;
            case CompareOp.Ne: Run<NeOp>(values, c, into, n); break;
            case CompareOp.Lt: Run<LtOp>(values, c, into, n); break;
            case CompareOp.Le: Run<LeOp>(values, c, into, n); break;
            case CompareOp.Gt: Run<GtOp>(values, c, into, n); break;
            default: Run<GeOp>(values, c, into, n); break;
        }
    }

    /// <summary>Bit i when values[i] is one of a set (IN with many numbers: one pass, not one scan per value).</summary>
    public static void OrIn(ReadOnlySpan<double> values, HashSet<double> set, Span<ulong> into, int count)
    {
        var n = Math.Min(count, values.Length);
        // + 0.0 turns -0 into +0, which the set holds for either (== treats them as equal).
        for (var i = 0; i < n; i++)
            if (!double.IsNaN(values[i]) && set.Contains(values[i] + 0.0)) into[i >> 6] |= 1UL << i;
    }

    private static void Run<T>(ReadOnlySpan<double> values, double c, Span<ulong> into, int n) where T : struct, ICompare
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var cv = Vector256.Create(c);
            ref var start = ref MemoryMarshal.GetReference(values);
            for (; i + 64 <= n; i += 64)
            {
                ulong word = 0;
                for (var j = 0; j < 64; j += 4)
                    word |= (ulong)T.Vector(Vector256.LoadUnsafe(ref start, (nuint)(i + j)), cv).ExtractMostSignificantBits() << j;
                into[i >> 6] |= word;
            }
        }
        for (; i < n; i++)
            if (T.Scalar(values[i], c)) into[i >> 6] |= 1UL << i;
    }

    private interface ICompare
    {
        static abstract Vector256<double> Vector(Vector256<double> v, Vector256<double> c);
        static abstract bool Scalar(double v, double c);
    }

    private struct EqOp : ICompare
    {
        public static Vector256<double> Vector(Vector256<double> v, Vector256<double> c) => Vector256.Equals(v, c);
        public static bool Scalar(double v, double c) => v == c;
    }

    private struct NeOp : ICompare
    {
        public static Vector256<double> Vector(Vector256<double> v, Vector256<double> c) => Vector256.AndNot(Vector256.Equals(v, v), Vector256.Equals(v, c));
        public static bool Scalar(double v, double c) => !double.IsNaN(v) && !(v == c);
    }

    private struct LtOp : ICompare
    {
        public static Vector256<double> Vector(Vector256<double> v, Vector256<double> c) => Vector256.LessThan(v, c);
        public static bool Scalar(double v, double c) => v < c;
    }

    private struct LeOp : ICompare
    {
        public static Vector256<double> Vector(Vector256<double> v, Vector256<double> c) => Vector256.LessThanOrEqual(v, c);
        public static bool Scalar(double v, double c) => v <= c;
    }

    private struct GtOp : ICompare
    {
        public static Vector256<double> Vector(Vector256<double> v, Vector256<double> c) => Vector256.GreaterThan(v, c);
        public static bool Scalar(double v, double c) => v > c;
    }

    private struct GeOp : ICompare
    {
        public static Vector256<double> Vector(Vector256<double> v, Vector256<double> c) => Vector256.GreaterThanOrEqual(v, c);
        public static bool Scalar(double v, double c) => v >= c;
    }
}
