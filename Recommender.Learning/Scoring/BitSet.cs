namespace Recommender.Learning;

/// <summary>Helpers for the ulong[] bitsets <see cref="TopK"/> takes as exclusions (bit i of word i/64).</summary>
public static class BitSet
{
    public static int WordsFor(int bits) => (bits + 63) >> 6;
    public static ulong[] Create(int bits) => new ulong[WordsFor(bits)];
    public static void Set(Span<ulong> set, int i) => set[i >> 6] |= 1UL << (i & 63);
    public static void Clear(Span<ulong> set, int i) => set[i >> 6] &= ~(1UL << (i & 63));
    public static bool Contains(ReadOnlySpan<ulong> set, int i) => (set[i >> 6] & (1UL << (i & 63))) != 0;
}
