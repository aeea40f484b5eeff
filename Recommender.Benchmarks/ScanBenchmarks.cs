using BenchmarkDotNet.Attributes;
using Recommender.Learning;

namespace Recommender.Benchmarks;

/// <summary>
/// Top-10 by inner product over n items × k = 64 (the ranking scan of one recommendation), with 20
/// seen items masked. Baseline: a scalar dot per item and a full sort. Random Gaussian vectors.
/// </summary>
public class ScanBenchmarks
{
    public const int Factors = 64;
    public const int K = 10;

    [Params(10_000, 100_000, 1_000_000)]
    public int Items;

    private float[] _vectors = [];
    private float[] _query = [];
    private ulong[] _seen = [];
    private object?[] _records = [];
    private Int8Vectors _int8 = null!;
    private HalfVectors _half = null!;

    [GlobalSetup]
    public void Setup()
    {
        (_vectors, _query, _seen) = ScanData.Create(Items, Factors, seed: 1);
        _records = new object?[Items];
        Array.Fill(_records, new object());
        _int8 = Int8Vectors.Quantize(_vectors, Factors);
        _half = new HalfVectors(_vectors, Factors);
    }

    [Benchmark(Baseline = true, Description = "naive scalar + full sort")]
    public ScoredItem[] Naive() => ScanData.Naive(_vectors, Factors, _query, K, _seen);

    [Benchmark(Description = "SIMD TopK, 1 thread")]
    public ScoredItem[] Simd() => TopK.Search(_vectors, Factors, _query, K, excludeBits: _seen, parallel: false);

    [Benchmark(Description = "SIMD TopK, parallel")]
    public ScoredItem[] SimdParallel() => TopK.Search(_vectors, Factors, _query, K, excludeBits: _seen);

    /// <summary>What RankingEngine paid before: a per-item delegate (record present?) on top of the bitset.</summary>
    [Benchmark(Description = "SIMD TopK, parallel + per-item predicate")]
    public ScoredItem[] SimdParallelPredicate()
    {
        var records = _records;
        return TopK.Search(_vectors, Factors, _query, K, exclude: i => records[i] is null, excludeBits: _seen);
    }

    [Benchmark(Description = "int8 + rescore 4K, 1 thread")]
    public ScoredItem[] Int8() => QuantizedTopK.Search(_int8, _vectors, _query, K, _seen, parallel: false);

    [Benchmark(Description = "int8 + rescore 4K, parallel")]
    public ScoredItem[] Int8Parallel() => QuantizedTopK.Search(_int8, _vectors, _query, K, _seen);

    [Benchmark(Description = "half + rescore 4K, 1 thread")]
    public ScoredItem[] Half() => QuantizedTopK.Search(_half, _vectors, _query, K, _seen, parallel: false);

    [Benchmark(Description = "half + rescore 4K, parallel")]
    public ScoredItem[] HalfParallel() => QuantizedTopK.Search(_half, _vectors, _query, K, _seen);
}

public static class ScanData
{
    public static (float[] Vectors, float[] Query, ulong[] Seen) Create(int items, int factors, int seed)
    {
        var rng = new Random(seed);
        var vectors = new float[items * factors];
        for (var i = 0; i < vectors.Length; i++) vectors[i] = Gaussian(rng) * 0.1f;
        var query = new float[factors];
        for (var i = 0; i < query.Length; i++) query[i] = Gaussian(rng);
        var seen = BitSet.Create(items);
        for (var i = 0; i < 20; i++) BitSet.Set(seen, rng.Next(items));
        return (vectors, query, seen);
    }

    public static float Gaussian(Random rng) =>
        (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));

    /// <summary>The textbook answer: score everything with a scalar loop, sort everything, take K.</summary>
    public static ScoredItem[] Naive(float[] vectors, int k, float[] query, int count, ulong[] seen)
    {
        var n = vectors.Length / k;
        var scored = new List<ScoredItem>(n);
        for (var i = 0; i < n; i++)
        {
            if (BitSet.Contains(seen, i)) continue;
            var s = 0f;
            for (var j = 0; j < k; j++) s += vectors[i * k + j] * query[j];
            scored.Add(new ScoredItem(i, s));
        }
        scored.Sort(static (a, b) => a.RanksBefore(b) ? -1 : b.RanksBefore(a) ? 1 : 0);
        return [.. scored.Take(count)];
    }
}
