using System.Diagnostics;

namespace Recommender.Client.Bench;

/// <summary>
/// Exact latencies in <see cref="Stopwatch"/> ticks: each worker appends to its own list, the lists are
/// merged and sorted once, and percentiles are read by nearest rank (no bucketing error).
/// </summary>
public sealed class LatencyHistogram
{
    private readonly long[] _sorted;

    public LatencyHistogram(IEnumerable<IEnumerable<long>> perWorkerTicks)
    {
        _sorted = perWorkerTicks.SelectMany(t => t).ToArray();
        Array.Sort(_sorted);
    }

    public int Count => _sorted.Length;

    /// <summary>The p-th percentile (0 &lt; p ≤ 100) in milliseconds; nearest rank: the value at ⌈p/100·n⌉.</summary>
    public double PercentileMs(double p)
    {
        if (_sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(p / 100 * _sorted.Length);
        return ToMs(_sorted[Math.Clamp(rank, 1, _sorted.Length) - 1]);
    }

    public double MaxMs => _sorted.Length == 0 ? double.NaN : ToMs(_sorted[^1]);

    public double MeanMs => _sorted.Length == 0 ? double.NaN : ToMs((long)_sorted.Average());

    public static double ToMs(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
