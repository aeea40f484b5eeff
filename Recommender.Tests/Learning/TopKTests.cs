using Recommender.Learning;

namespace Recommender.Tests.Learning;

public class TopKTests
{
    private static ScoredItem[] Naive(float[] items, int k, float[] q, int count, Func<int, bool> excluded, float[]? bias)
        => Enumerable.Range(0, items.Length / k)
            .Where(i => !excluded(i))
            .Select(i =>
            {
                float s = System.Numerics.Tensors.TensorPrimitives.Dot(items.AsSpan(i * k, k), q);
                return new ScoredItem(i, bias is null ? s : s + bias[i]);
            })
            .OrderByDescending(s => s.Score).ThenBy(s => s.Index)
            .Take(count)
            .ToArray();

    [Theory]
    [InlineData(1, 500, 16, 10)]
    [InlineData(2, 3000, 64, 50)]
    [InlineData(3, 7, 4, 10)]          // fewer candidates than K
    [InlineData(4, 60_000, 32, 20)]   // parallel path
    public void Equals_a_naive_full_sort_with_exclusions(int seed, int n, int k, int count)
    {
        var rng = new Random(seed);
        var items = DenseSolver.RandomMatrix(rng, n, k);
        var q = DenseSolver.RandomMatrix(rng, 1, k);
        var bits = BitSet.Create(n);
        for (int i = 0; i < n; i += 3) BitSet.Set(bits, i);
        Predicate<int> odd7 = i => i % 7 == 1;

        var byBits = TopK.Search(items, k, q, count, excludeBits: bits);
        Assert.Equal(Naive(items, k, q, count, i => i % 3 == 0, null), byBits);

        var both = TopK.Search(items, k, q, count, exclude: odd7, excludeBits: bits);
        Assert.Equal(Naive(items, k, q, count, i => i % 3 == 0 || i % 7 == 1, null), both);

        var bias = DenseSolver.RandomMatrix(rng, 1, n);
        var biased = TopK.Search(items, k, q, count, exclude: odd7, bias: bias);
        Assert.Equal(Naive(items, k, q, count, i => i % 7 == 1, bias), biased);
    }

    [Fact]
    public void Ties_break_on_the_lower_index()
    {
        var items = new float[] { 1, 1, 2, 1, 2 }; // k = 1
        var top = TopK.Search(items, 1, [1f], 3);
        Assert.Equal([new ScoredItem(2, 2), new ScoredItem(4, 2), new ScoredItem(0, 1)], top);
    }

    [Fact]
    public void Span_overload_does_not_allocate()
    {
        var items = DenseSolver.RandomMatrix(new Random(5), 1000, 16);
        var q = DenseSolver.RandomMatrix(new Random(6), 1, 16);
        var bits = BitSet.Create(1000);
        Span<ScoredItem> results = stackalloc ScoredItem[10];
        TopK.Search(items, 16, q, results, excludeBits: bits);
        long before = GC.GetAllocatedBytesForCurrentThread();
        int written = TopK.Search(items, 16, q, results, excludeBits: bits);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(10, written);
    }
}
