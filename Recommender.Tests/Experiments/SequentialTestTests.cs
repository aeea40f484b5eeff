using Recommender.Grains.Experiments;
using StackExchange.Redis;

namespace Recommender.Tests.Experiments;

/// <summary>
/// The decision rule is valid when people look every minute: under no difference, stopping at the
/// first reading whose always-valid p falls below α declares a difference in at most ~α of
/// experiments, where a fixed-horizon z-test read as often would do so far more often.
/// </summary>
public sealed class SequentialTestTests
{
    [Fact]
    public void Peeking_after_every_batch_keeps_the_false_decisions_near_alpha_where_a_z_test_does_not()
    {
        var random = new Random(14);
        const int experiments = 400, batches = 60, perBatch = 20;
        const double rate = 0.3, alpha = 0.05;
        int sequentialFalse = 0, naiveFalse = 0;
        for (var e = 0; e < experiments; e++)
        {
            long sa = 0, na = 0, sb = 0, nb = 0;
            bool sequential = false, naive = false;
            for (var batch = 0; batch < batches; batch++)
            {
                for (var i = 0; i < perBatch; i++)
                {
                    na++; if (random.NextDouble() < rate) sa++;
                    nb++; if (random.NextDouble() < rate) sb++;
                }
                var (difference, _, _, p) = SequentialTest.Compare(sa, na, sb, nb, alpha);
                sequential |= p <= alpha;
                double PlugIn(long x, long n) => (double)x / n * (1 - (double)x / n) / n;
                var z = difference / Math.Sqrt(Math.Max(1e-12, PlugIn(sa, na) + PlugIn(sb, nb)));
                naive |= Math.Abs(z) > 1.96;
            }
            if (sequential) sequentialFalse++;
            if (naive) naiveFalse++;
        }
        var sequentialRate = (double)sequentialFalse / experiments;
        var naiveRate = (double)naiveFalse / experiments;
        Assert.True(sequentialRate <= 0.07, $"the sequential test declared a difference in {sequentialRate:P1} of A/A experiments read 60 times");
        Assert.True(naiveRate >= 2 * alpha, $"the z-test read as often declared {naiveRate:P1} (expected well above α: the reason for the sequential test)");
    }

    [Fact]
    public void A_real_difference_is_found_and_its_interval_holds_the_truth()
    {
        var random = new Random(7);
        long sa = 0, na = 0, sb = 0, nb = 0;
        var decidedAt = -1;
        for (var n = 1; n <= 5_000; n++)
        {
            na++; if (random.NextDouble() < 0.30) sa++;
            nb++; if (random.NextDouble() < 0.45) sb++;
            if (decidedAt < 0 && n % 10 == 0 && SequentialTest.Compare(sa, na, sb, nb, 0.05).P <= 0.05) decidedAt = n;
        }
        Assert.InRange(decidedAt, 1, 1_000);
        var (difference, low, high, _) = SequentialTest.Compare(sa, na, sb, nb, 0.05);
        Assert.InRange(0.15, low, high);
        Assert.True(difference > 0);
        var (rate, rlow, rhigh) = SequentialTest.Interval(sb, nb, 0.05);
        Assert.InRange(0.45, rlow, rhigh);
        Assert.InRange(rate, 0.42, 0.48);
    }

    [Fact]
    public void The_analysis_replays_the_series_declares_the_better_variant_and_reports_the_holdout()
    {
        var experiment = new ExperimentDefinition
        {
            Id = "e", Holdout = 0.1, Status = ExperimentDefinition.Running,
            Variants = [new() { Name = "control", Share = 1 }, new() { Name = "better", Share = 1 }],
        };
        var series = new List<HashEntry>();
        for (var minute = 100; minute < 110; minute++)
        {
            series.Add(new($"{minute}|control|imp", 100)); series.Add(new($"{minute}|control|hit", 30)); series.Add(new($"{minute}|control|ev", 35));
            series.Add(new($"{minute}|better|imp", 100)); series.Add(new($"{minute}|better|hit", 50)); series.Add(new($"{minute}|better|ev", 60));
            series.Add(new($"{minute}|holdout|imp", 20)); series.Add(new($"{minute}|holdout|hit", 6));
        }
        var results = ExperimentAnalysis.Analyse(experiment, [.. series], new Dictionary<string, long> { ["control"] = 40, ["better"] = 41, ["holdout"] = 9 }, DateTimeOffset.UnixEpoch);

        Assert.Equal(new[] { "control", "better", "holdout" }, results.Variants.Select(v => v.Name));
        var better = results.Variants[1];
        Assert.Equal((1000L, 600L, 500L, 41L), (better.Impressions, better.Events, better.Hits, better.Users));
        Assert.Equal(0.5, better.HitRate.Value, 6);
        Assert.Equal(0.6, better.Ctr, 6);
        Assert.True(better.HitRate.Low < 0.5 && better.HitRate.High > 0.5);
        Assert.Equal(10, results.Series.Length);
        // The intervals are a running intersection: they never widen from one minute to the next.
        foreach (var (before, after) in results.Series.Zip(results.Series.Skip(1)))
            for (var v = 0; v < before.Variants.Length; v++)
                Assert.True(after.Variants[v].Rate.Low >= before.Variants[v].Rate.Low && after.Variants[v].Rate.High <= before.Variants[v].Rate.High);
        // Shares are of all users: the variants split what the 10 % holdout leaves.
        Assert.Equal(new[] { 0.45, 0.45, 0.1 }, results.Variants.Select(v => Math.Round(v.Share, 6)));
        Assert.Equal("decided", results.Decision.Status);
        Assert.Equal("better", results.Decision.Winner);
        Assert.True(results.Comparisons.Single().Significant);
        // The p-value is the least over the minutes: never above what one reading alone gives.
        Assert.True(results.Comparisons.Single().P <= SequentialTest.Compare(3000, 10000, 5000, 10000, 0.05).P + 1e-12);
    }
}
