using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using Recommender.Learning;

namespace Recommender.Benchmarks;

/// <summary>
/// One per-event user re-fit (<see cref="FoldIn.User"/>) at k = 64 against 10k item vectors:
/// warm (3 CG steps from the current vector, the per-event case) and cold (12 steps from zero).
/// </summary>
public class FoldInBenchmarks
{
    [Params(20, 200)]
    public int Interactions;

    private FoldInData _data = null!;
    private readonly float[] _x = new float[FoldInData.Factors];

    [GlobalSetup]
    public void Setup() => _data = new FoldInData(Interactions, seed: 3);

    [Benchmark(Baseline = true, Description = "warm, 3 CG steps")]
    public float Warm()
    {
        _data.Warm.CopyTo(_x, 0);
        return _data.Fit(_x, 3);
    }

    [Benchmark(Description = "cold, 12 CG steps")]
    public float Cold()
    {
        Array.Clear(_x);
        return _data.Fit(_x, 12);
    }
}

public sealed class FoldInData
{
    public const int Factors = 64;
    public const int CatalogItems = 10_000;
    public readonly float[] Items, Gram, Confidence, Preference, Warm;
    public readonly int[] Seen;

    public FoldInData(int interactions, int seed)
    {
        var rng = new Random(seed);
        Items = new float[CatalogItems * Factors];
        for (var i = 0; i < Items.Length; i++) Items[i] = ScanData.Gaussian(rng) * 0.1f;
        Gram = Recommender.Learning.Gram.Compute(Items, CatalogItems, Factors);
        Seen = Enumerable.Range(0, CatalogItems).OrderBy(_ => rng.Next()).Take(interactions).ToArray();
        Confidence = Seen.Select(_ => 1f + 3f * (float)rng.NextDouble() * 2f).ToArray();
        Preference = Seen.Select(_ => rng.NextDouble() < 0.1 ? 0f : 1f).ToArray();
        Warm = new float[Factors];
        FoldIn.User(Warm, Items, Factors, Gram, Seen, Confidence, Preference, 15f, 12);
        // The next event moves the row a little: the warm start is close, not the answer.
        Confidence[0] += 3f;
    }

    public float Fit(float[] x, int steps) => FoldIn.User(x, Items, Factors, Gram, Seen, Confidence, Preference, 15f, steps);
}

/// <summary><c>foldin-latency [--calls 100000]</c>: per-call latency distribution of single fold-ins.</summary>
public static class FoldInLatency
{
    public static int Run(string[] args)
    {
        var calls = Args.Int(args, "--calls", 100_000);
        Console.WriteLine($"FoldIn.User, k = {FoldInData.Factors}, {FoldInData.CatalogItems} items, {calls:N0} calls per row, 1 thread, Stopwatch per call");
        Console.WriteLine("| interactions | start | CG steps | p50 µs | p90 µs | p99 µs | p99.9 µs | mean µs |");
        Console.WriteLine("|---:|---|---:|---:|---:|---:|---:|---:|");
        foreach (var interactions in new[] { 20, 200 })
        {
            var data = new FoldInData(interactions, seed: 3);
            foreach (var (start, steps) in new[] { ("warm", 3), ("cold", 12) })
            {
                var x = new float[FoldInData.Factors];
                for (var i = 0; i < 2_000; i++) { Reset(x, data, start); data.Fit(x, steps); } // JIT + caches
                var ticks = new long[calls];
                for (var i = 0; i < calls; i++)
                {
                    Reset(x, data, start);
                    var t0 = Stopwatch.GetTimestamp();
                    data.Fit(x, steps);
                    ticks[i] = Stopwatch.GetTimestamp() - t0;
                }
                Array.Sort(ticks);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {interactions} | {start} | {steps} | {Us(ticks, 0.50):0.0} | {Us(ticks, 0.90):0.0} | {Us(ticks, 0.99):0.0} | {Us(ticks, 0.999):0.0} | {ticks.Average() * 1e6 / Stopwatch.Frequency:0.0} |"));
            }
        }
        return 0;
    }

    private static void Reset(float[] x, FoldInData data, string start)
    {
        if (start == "warm") data.Warm.CopyTo(x, 0); else Array.Clear(x);
    }

    private static double Us(long[] sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)] * 1e6 / Stopwatch.Frequency;
}

public static class Args
{
    public static int Int(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var v) ? v : fallback;
    }

    public static string? String(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
