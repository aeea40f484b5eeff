using System.Diagnostics;

namespace Recommender.Grains.Telemetry;

/// <summary>
/// The service's own spans, between Orleans' grain-call spans and the Redis commands: a user
/// grain applying events (<c>user.record</c>) and a web server pushing a new ranking to SignalR
/// (<c>ranking.push</c>). Recorded only when a tracer listens (ServiceDefaults turns tracing on
/// with an OTLP endpoint or <c>Telemetry:Tracing</c>); otherwise <c>StartActivity</c> returns null.
/// </summary>
public static class RecommenderTracing
{
    /// <summary>Same name as the meter: ServiceDefaults listens to <c>Recommender</c> and <c>Recommender.*</c>.</summary>
    public const string SourceName = "Recommender";

    public static readonly ActivitySource Source = new(SourceName, "1.0");

    public const string RecordSpan = "user.record";
    public const string PushSpan = "ranking.push";
}
