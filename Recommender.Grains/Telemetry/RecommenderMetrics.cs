using System.Diagnostics.Metrics;
using Recommender.Grains.Domain;

namespace Recommender.Grains.Telemetry;

/// <summary>
/// The service's own meters (exported with Orleans' and ASP.NET Core's at <c>/metrics</c>).
/// Instruments are static: one meter per process, shared by every grain and endpoint.
/// </summary>
public static class RecommenderMetrics
{
    public const string MeterName = "Recommender";
    private static readonly Meter Meter = new(MeterName, "1.0");

    private static readonly Counter<long> Events = Meter.CreateCounter<long>(
        "recommender.events.ingested", "{event}", "Events acknowledged (durable in the log), by type.");
    private static readonly Counter<long> Hits = Meter.CreateCounter<long>(
        "recommender.online.hits", "{event}", "Events on an item that was in the user's last served or pushed top-k.");
    private static readonly Histogram<double> RecommendLatency = Meter.CreateHistogram<double>(
        "recommender.recommendation.duration", "ms", "Time to rank one user's recommendations inside the silo.");
    private static readonly Histogram<double> PushLatency = Meter.CreateHistogram<double>(
        "recommender.push.duration", "ms", "From the event reaching the user's grain to the new ranking handed to SignalR.");
    private static readonly Histogram<double> FoldInLatency = Meter.CreateHistogram<double>(
        "recommender.foldin.duration", "ms", "Per-event re-fit of a user's vector.");

    private static readonly KeyValuePair<string, object?>[][] TypeTags =
        EventTypes.Names.Select(n => new[] { new KeyValuePair<string, object?>("type", n) }).ToArray();

    public static void EventIngested(EventType type) => Events.Add(1, TypeTags[(int)type]);
    public static void OnlineHits(int hits) { if (hits > 0) Hits.Add(hits); }
    public static void Recommended(double milliseconds) => RecommendLatency.Record(milliseconds);
    public static void Pushed(double milliseconds) => PushLatency.Record(milliseconds);
    public static void FoldedIn(double milliseconds) => FoldInLatency.Record(milliseconds);

    private static Func<long>? _modelVersion, _watchers;

    static RecommenderMetrics()
    {
        Meter.CreateObservableGauge("recommender.model.version", () => _modelVersion?.Invoke() ?? 0, "{version}", "The model version this process serves.");
        Meter.CreateObservableGauge("recommender.watchers", () => _watchers?.Invoke() ?? 0, "{user}", "Users watched through this web server's hub.");
    }

    /// <summary>Where the model-version gauge reads from (the first registration in a process wins).</summary>
    public static void TrackModelVersion(Func<long> read) => Interlocked.CompareExchange(ref _modelVersion, read, null);

    public static void TrackWatchers(Func<long> read) => Interlocked.CompareExchange(ref _watchers, read, null);
}
