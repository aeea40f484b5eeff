using Recommender.Learning;

namespace Recommender.Tests.Learning;

/// <summary>The compressed first pass must not change the answer: the top-10 equals the exact scan's.</summary>
public class QuantizedTopKTests
{
    private static (float[] Items, ulong[] Seen) Data(int seed, int n, int k)
    {
        var rng = new Random(seed);
        var items = new float[n * k];
        for (var i = 0; i < items.Length; i++) items[i] = Gaussian(rng) * 0.1f;
        var seen = BitSet.Create(n);
        for (var i = 0; i < 30; i++) BitSet.Set(seen, rng.Next(n));
        return (items, seen);
    }

    private static float Gaussian(Random rng) =>
        (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));

    [Theory]
    [InlineData(1, 20_000, 64)]    // one thread
    [InlineData(2, 120_000, 64)]   // parallel slices
    [InlineData(3, 5_000, 40)]     // k not a multiple of the vector width
    public void Int8_and_half_first_passes_return_the_exact_top_10(int seed, int n, int k)
    {
        var (items, seen) = Data(seed, n, k);
        var int8 = Int8Vectors.Quantize(items, k);
        var half = new HalfVectors(items, k);
        var rng = new Random(seed + 100);
        for (var q = 0; q < 40; q++)
        {
            var query = Enumerable.Range(0, k).Select(_ => Gaussian(rng)).ToArray();
            var exact = TopK.Search(items, k, query, 10, excludeBits: seen);
            Assert.Equal(exact, QuantizedTopK.Search(int8, items, query, 10, seen));
            Assert.Equal(exact, QuantizedTopK.Search(half, items, query, 10, seen));
        }
    }

    [Fact]
    public void Predicate_exclusions_and_row_limit_are_honoured()
    {
        var (items, seen) = Data(4, 3_000, 64);
        var int8 = Int8Vectors.Quantize(items, 64);
        var query = Enumerable.Range(0, 64).Select(i => MathF.Sin(i)).ToArray();
        Predicate<int> odd = i => i % 2 == 1;
        var exact = TopK.Search(items.AsSpan(0, 2_000 * 64), 64, query, 10, exclude: odd, excludeBits: seen);
        Assert.Equal(exact, QuantizedTopK.Search(int8, items, query, 10, seen, odd, rows: 2_000));
    }

    [Fact]
    public void Quantised_rows_are_within_half_a_step_and_survive_growth()
    {
        var (items, _) = Data(5, 100, 64);
        var int8 = Int8Vectors.Quantize(items, 64).Grow(200);
        for (var i = 0; i < 100; i++)
            for (var j = 0; j < 64; j++)
                Assert.InRange(items[i * 64 + j] - int8.Codes[i * 64 + j] * int8.Scales[i], -int8.Scales[i] / 2 - 1e-6f, int8.Scales[i] / 2 + 1e-6f);
        Assert.All(int8.Codes.AsSpan(100 * 64).ToArray(), c => Assert.Equal(0, c));
        int8.Set(150, new float[64]); // an all-zero row quantises to zero, no division by zero
        Assert.Equal(0f, int8.Scales[150]);
    }

    [Fact]
    public void A_zero_query_falls_back_to_the_exact_scan()
    {
        var (items, seen) = Data(6, 1_000, 64);
        var int8 = Int8Vectors.Quantize(items, 64);
        var zero = new float[64];
        Assert.Equal(TopK.Search(items, 64, zero, 10, excludeBits: seen), QuantizedTopK.Search(int8, items, zero, 10, seen));
    }
}
