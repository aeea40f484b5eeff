using Recommender.Client.Bench;
using Recommender.Client.Evaluation;

namespace Recommender.Tests.Client;

public class ClientUtilitiesTests
{
    [Theory]
    [InlineData("http://127.0.0.1:5000", true)]
    [InlineData("http://127.8.9.10:5000", true)]
    [InlineData("http://localhost:5000", true)]
    [InlineData("http://[::1]:5000", true)]
    [InlineData("http://10.0.0.1:5000", false)]
    [InlineData("http://example.com", false)]
    [InlineData("http://localhost.example.com", false)]
    public void Bench_only_targets_loopback(string url, bool allowed)
    {
        Assert.Equal(allowed, LoopbackGuard.IsLoopback(new Uri(url)));
    }

    [Fact]
    public void Percentiles_use_the_nearest_rank()
    {
        var ticksPerMs = System.Diagnostics.Stopwatch.Frequency / 1000;
        var worker1 = Enumerable.Range(1, 50).Select(i => i * ticksPerMs);
        var worker2 = Enumerable.Range(51, 50).Select(i => i * ticksPerMs);

        var h = new LatencyHistogram([worker1, worker2]);

        Assert.Equal(100, h.Count);
        Assert.Equal(50, h.PercentileMs(50), 6);
        Assert.Equal(95, h.PercentileMs(95), 6);
        Assert.Equal(99, h.PercentileMs(99), 6);
        Assert.Equal(100, h.MaxMs, 6);
        Assert.True(double.IsNaN(new LatencyHistogram([]).PercentileMs(50)));
    }

    [Theory]
    [InlineData("10s", 10)]
    [InlineData("500ms", 0.5)]
    [InlineData("2m", 120)]
    [InlineData("1h", 3600)]
    [InlineData("1d", 86400)]
    [InlineData("3", 3)]
    public void Durations_parse(string text, double seconds)
    {
        Assert.True(DurationParser.TryParse(text, out var d));
        Assert.Equal(seconds, d.TotalSeconds, 6);
    }

    [Fact]
    public void Streaming_popularity_ranks_by_count_and_skips_the_users_items()
    {
        var p = new StreamingPopularity();
        p.Observe("u1", "a");
        p.Observe("u2", "a");
        p.Observe("u2", "b");
        p.Observe("u3", "c");
        p.Observe("u3", "b");
        p.Observe("u4", "b");

        Assert.Equal(["b", "a"], p.TopK("new", 2));
        Assert.Equal(["a", "c"], p.TopK("u4", 2));
        Assert.Equal(["c"], p.TopK("u2", 5));
    }
}
