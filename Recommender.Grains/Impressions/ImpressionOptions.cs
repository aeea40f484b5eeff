namespace Recommender.Grains.Impressions;

/// <summary>
/// Impressions and attribution (section <c>Recommender:Impressions</c>; docs/API.md, "Impressions
/// and attribution", states the rules these set).
/// </summary>
public sealed class ImpressionOptions
{
    public const string Section = "Recommender:Impressions";

    /// <summary>How many served lists a user grain remembers (for <c>next</c> and attribution); the oldest go first.</summary>
    public int ListsPerUser { get; set; } = 8;

    /// <summary>
    /// False: served lists are still remembered (<c>next</c>, rotation) but neither logged nor counted,
    /// and events are not attributed — the baseline of the cost benchmark (BENCHMARKS.md, "Impressions").
    /// </summary>
    public bool Record { get; set; } = true;

    /// <summary>
    /// How long after it was served (or last continued by <c>next</c>) a list can be continued and
    /// an event on one of its items is attributed to it.
    /// </summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long the impression log keeps a served list (Redis list per hour, expiring).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long the per-minute online counters are kept: the longest window <c>/api/v1/metrics/online</c> answers.</summary>
    public TimeSpan MetricsRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often each silo writes its batch of impressions and counter deltas (one pipelined round trip).</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Impressions waiting for a flush beyond this are dropped (counted in <c>recommender.impressions.dropped</c>): a store outage must not grow the heap without bound.</summary>
    public int MaxPending { get; set; } = 100_000;
}
