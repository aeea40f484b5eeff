using StackExchange.Redis;

namespace Recommender.Grains.Experiments;

[GenerateSerializer, Alias("reco.ExperimentResults"), Immutable]
public sealed record ExperimentResults
{
    [Id(0)] public required ExperimentDefinition Experiment { get; init; }
    [Id(1)] public DateTimeOffset AsOf { get; init; }
    [Id(2)] public VariantResult[] Variants { get; init; } = [];
    /// <summary>Each variant against the control, on the experiment's metric.</summary>
    [Id(3)] public Comparison[] Comparisons { get; init; } = [];
    [Id(4)] public required Decision Decision { get; init; }
    /// <summary>Per minute with data, each variant's cumulative figures up to the end of that minute (what the page charts).</summary>
    [Id(5)] public SeriesPoint[] Series { get; init; } = [];
}

/// <param name="Ctr">Attributed positive events per impression (CTR@k).</param>
/// <param name="HitRate">Impressions with at least one attributed positive event, with its always-valid interval.</param>
/// <param name="Conversion">Impressions with at least one attributed purchase, with its always-valid interval.</param>
[GenerateSerializer, Alias("reco.VariantResult"), Immutable]
public sealed record VariantResult(
    [property: Id(0)] string Name, [property: Id(1)] double Share, [property: Id(2)] long Users, [property: Id(3)] long Impressions,
    [property: Id(4)] long Events, [property: Id(5)] long Hits, [property: Id(6)] long Conversions, [property: Id(7)] double Ctr,
    [property: Id(8)] Rate HitRate, [property: Id(9)] Rate Conversion);

[GenerateSerializer, Alias("reco.Rate"), Immutable]
public sealed record Rate([property: Id(0)] double Value, [property: Id(1)] double Low, [property: Id(2)] double High);

/// <param name="Difference">The variant's rate minus the control's, with its always-valid interval.</param>
/// <param name="P">The always-valid p-value: the least 1/Λ over every minute so far.</param>
/// <param name="Significant">P at or below α divided by the number of comparisons (Bonferroni).</param>
[GenerateSerializer, Alias("reco.Comparison"), Immutable]
public sealed record Comparison(
    [property: Id(0)] string Variant, [property: Id(1)] string Against, [property: Id(2)] Rate Difference, [property: Id(3)] double P, [property: Id(4)] bool Significant);

/// <param name="Status">"undecided", or "decided" with <see cref="Winner"/>.</param>
[GenerateSerializer, Alias("reco.Decision"), Immutable]
public sealed record Decision([property: Id(0)] string Status, [property: Id(1)] string? Winner, [property: Id(2)] string Reason);

[GenerateSerializer, Alias("reco.SeriesPoint"), Immutable]
public sealed record SeriesPoint([property: Id(0)] DateTimeOffset At, [property: Id(1)] SeriesValue[] Variants);

[GenerateSerializer, Alias("reco.SeriesValue"), Immutable]
public sealed record SeriesValue([property: Id(0)] string Name, [property: Id(1)] long Impressions, [property: Id(2)] Rate Rate);

/// <summary>
/// An experiment's results from its per-minute series (<see cref="Storage.RedisKeys.ExperimentSeries"/>):
/// totals per variant, each variant's always-valid interval, and each variant against the control
/// with the mSPRT (<see cref="SequentialTest"/>) replayed minute by minute, so the p-value is the
/// least over time as the test defines it — reading the results every second changes nothing.
/// Intervals are the running intersection of the confidence sequences over the minutes (they never
/// widen). Decision: a variant whose difference from the control is significant and positive wins (the
/// best such, if several); the control wins when every other variant is significantly below it.
/// </summary>
public static class ExperimentAnalysis
{
    public static ExperimentResults Analyse(ExperimentDefinition experiment, HashEntry[] series, IReadOnlyDictionary<string, long> users, DateTimeOffset now)
    {
        // minute → variant → (impressions, events, hits, conversions)
        var perMinute = new SortedDictionary<long, Dictionary<string, long[]>>();
        foreach (var entry in series)
        {
            var parts = ((string)entry.Name!).Split('|');
            if (parts.Length != 3 || !long.TryParse(parts[0], out var minute)) continue;
            var metric = parts[2] switch { "imp" => 0, "ev" => 1, "hit" => 2, "conv" => 3, _ => -1 };
            if (metric < 0) continue;
            if (!perMinute.TryGetValue(minute, out var variants)) perMinute[minute] = variants = new(StringComparer.Ordinal);
            if (!variants.TryGetValue(parts[1], out var counts)) variants[parts[1]] = counts = new long[4];
            counts[metric] += (long)entry.Value;
        }
        var names = experiment.Variants.Select(v => v.Name).ToList();
        if (experiment.Holdout > 0) names.Add(ExperimentDefinition.HoldoutVariant);
        var totals = names.ToDictionary(n => n, _ => new long[4], StringComparer.Ordinal);
        var successIndex = experiment.Metric == ExperimentDefinition.Conversion ? 3 : 2;
        var others = experiment.Variants.Skip(1).Select(v => v.Name).ToArray();
        var level = experiment.Alpha / Math.Max(1, others.Length);
        var leastP = others.ToDictionary(n => n, _ => 1.0, StringComparer.Ordinal);
        // Confidence sequences hold at all times at once, so their running intersection does too: the
        // intervals reported never widen. (Empty only if the rates drift: then the latest is shown.)
        var hitBounds = names.ToDictionary(n => n, _ => (Low: 0.0, High: 1.0), StringComparer.Ordinal);
        var conversionBounds = names.ToDictionary(n => n, _ => (Low: 0.0, High: 1.0), StringComparer.Ordinal);
        var differenceBounds = others.ToDictionary(n => n, _ => (Low: -1.0, High: 1.0), StringComparer.Ordinal);
        var metricBounds = successIndex == 3 ? conversionBounds : hitBounds;
        var points = new List<SeriesPoint>();
        foreach (var (minute, variants) in perMinute)
        {
            foreach (var (name, counts) in variants)
                if (totals.TryGetValue(name, out var total)) for (var m = 0; m < 4; m++) total[m] += counts[m];
            var control = totals[experiment.Control.Name];
            foreach (var other in others)
            {
                var t = totals[other];
                var (_, low, high, p) = SequentialTest.Compare(control[successIndex], control[0], t[successIndex], t[0], level);
                leastP[other] = Math.Min(leastP[other], p);
                differenceBounds[other] = Intersect(differenceBounds[other], low, high);
            }
            foreach (var n in names)
            {
                var t = totals[n];
                var (_, hl, hh) = SequentialTest.Interval(t[2], t[0], experiment.Alpha);
                var (_, cl, ch) = SequentialTest.Interval(t[3], t[0], experiment.Alpha);
                hitBounds[n] = Intersect(hitBounds[n], hl, hh);
                conversionBounds[n] = Intersect(conversionBounds[n], cl, ch);
            }
            var end = DateTimeOffset.FromUnixTimeSeconds((minute + 1) * 60);
            points.Add(new SeriesPoint(end < now ? end : now, [.. names.Select(n =>
            {
                var t = totals[n];
                var rate = t[0] == 0 ? 0 : (double)t[successIndex] / t[0];
                return new SeriesValue(n, t[0], new Rate(rate, metricBounds[n].Low, metricBounds[n].High));
            })]));
        }

        var totalShare = experiment.Variants.Sum(v => v.Share);
        var results = names.Select(n =>
        {
            var t = totals[n];
            double Of(int i) => t[0] == 0 ? 0 : (double)t[i] / t[0];
            // The share of all users: the variants split what the holdout leaves.
            var share = experiment.Variants.FirstOrDefault(v => v.Name == n) is { } variant
                ? variant.Share / totalShare * (1 - experiment.Holdout)
                : experiment.Holdout;
            return new VariantResult(n, share, users.GetValueOrDefault(n), t[0], t[1], t[2], t[3], Of(1),
                new Rate(Of(2), hitBounds[n].Low, hitBounds[n].High), new Rate(Of(3), conversionBounds[n].Low, conversionBounds[n].High));
        }).ToArray();

        var controlTotals = totals[experiment.Control.Name];
        var comparisons = others.Select(other =>
        {
            var t = totals[other];
            var (difference, _, _, _) = SequentialTest.Compare(controlTotals[successIndex], controlTotals[0], t[successIndex], t[0], level);
            return new Comparison(other, experiment.Control.Name, new Rate(difference, differenceBounds[other].Low, differenceBounds[other].High),
                leastP[other], leastP[other] <= level);
        }).ToArray();

        return new ExperimentResults
        {
            Experiment = experiment, AsOf = now, Variants = results, Comparisons = comparisons,
            Decision = Decide(experiment, comparisons, level), Series = [.. points],
        };
    }

    /// <summary>The intersection of the bounds so far with this reading's; the reading's alone if they do not meet.</summary>
    private static (double Low, double High) Intersect((double Low, double High) bounds, double low, double high)
    {
        var (l, h) = (Math.Max(bounds.Low, low), Math.Min(bounds.High, high));
        return l <= h ? (l, h) : (low, high);
    }

    private static Decision Decide(ExperimentDefinition experiment, Comparison[] comparisons, double level)
    {
        var metric = experiment.Metric == ExperimentDefinition.Conversion ? "conversion" : "hit rate";
        var better = comparisons.Where(c => c.Significant && c.Difference.Value > 0).OrderByDescending(c => c.Difference.Value).FirstOrDefault();
        if (better is not null)
            return new Decision("decided", better.Variant,
                $"{better.Variant}'s {metric} is above {better.Against}'s by {100 * better.Difference.Value:0.0} points (always-valid p {better.P:G3} ≤ {level:G3}).");
        if (comparisons.Length > 0 && comparisons.All(c => c.Significant && c.Difference.Value < 0))
            return new Decision("decided", experiment.Control.Name,
                $"Every other variant's {metric} is below {experiment.Control.Name}'s (always-valid p ≤ {level:G3}).");
        return new Decision("undecided", null, comparisons.Length == 0
            ? "One variant: nothing to compare."
            : $"No variant's {metric} differs from {experiment.Control.Name}'s at always-valid p ≤ {level:G3} yet (least p {comparisons.Min(c => c.P):G3}).");
    }
}
