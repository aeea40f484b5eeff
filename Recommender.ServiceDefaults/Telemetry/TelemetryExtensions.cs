using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Recommender.ServiceDefaults.Telemetry;

/// <summary>
/// OpenTelemetry for a recommender process. Metrics (the service's own meters, Orleans', ASP.NET
/// Core's, HttpClient's, the runtime's) are always collected and scraped by Prometheus at
/// <see cref="MetricsPath"/>. Traces — an HTTP request, the grain calls it makes (Orleans' activity
/// propagation), the Redis commands they send, the SignalR push they cause — are recorded when an
/// exporter will take them: <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set, or <c>Telemetry:Tracing=true</c>
/// (e.g. a test with an in-memory exporter). Without one, no span is created: the event path pays nothing.
/// </summary>
public static class TelemetryExtensions
{
    public const string MetricsPath = "/metrics";

    /// <summary>Configuration key that turns tracing on without an OTLP endpoint.</summary>
    public const string TracingKey = "Telemetry:Tracing";

    /// <summary>The recommender's own meters and activity sources: <c>Recommender</c> and <c>Recommender.*</c>.</summary>
    public const string RecommenderSources = "Recommender";

    /// <summary>
    /// Orleans' activity sources for grain calls made by application code and for grain storage
    /// (<c>Orleans.Diagnostics.ActivitySources.ApplicationGrainActivitySourceName</c> and
    /// <c>StorageActivitySourceName</c>). Its runtime source (membership, directory, reminders'
    /// system calls) is left out: it is the cluster talking to itself, not the request.
    /// </summary>
    public static readonly string[] OrleansSources = ["Microsoft.Orleans.Application", "Microsoft.Orleans.Storage"];

    /// <summary>Whether traces are recorded with this configuration (an OTLP endpoint, or <see cref="TracingKey"/>).</summary>
    public static bool TracingEnabled(IConfiguration configuration) =>
        HasOtlpEndpoint(configuration) || configuration.GetValue<bool>(TracingKey);

    /// <summary><c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (environment or configuration).</summary>
    public static bool HasOtlpEndpoint(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    public static TBuilder AddDefaultTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var otlp = HasOtlpEndpoint(builder.Configuration);
        var otel = builder.Services.AddOpenTelemetry();
        // OTEL_SERVICE_NAME (Aspire sets it) wins; otherwise the project's name.
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_SERVICE_NAME"]))
            otel.ConfigureResource(r => r.AddService(builder.Environment.ApplicationName));

        otel.WithMetrics(metrics => metrics
            .AddMeter(RecommenderSources, RecommenderSources + ".*")
            .AddMeter("Microsoft.Orleans")
            .AddAspNetCoreInstrumentation()
            .AddHttpClientInstrumentation()
            .AddRuntimeInstrumentation()
            // Millisecond buckets fine enough for sub-millisecond ranking and push times.
            .AddView(i => i.Meter.Name.StartsWith(RecommenderSources, StringComparison.Ordinal) && i.Unit == "ms" ? Buckets : null)
            .AddPrometheusExporter());

        if (TracingEnabled(builder.Configuration))
        {
            otel.WithTracing(tracing => tracing
                .AddSource(RecommenderSources, RecommenderSources + ".*")
                .AddSource(OrleansSources)
                // Probes and scrapes every few seconds would bury the requests that matter.
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsProbe(context.Request.Path))
                .AddHttpClientInstrumentation()
                // Commands of the IConnectionMultiplexer in the container (the event log's, the
                // stores', the health check's), as children of the span that sent them.
                .AddRedisInstrumentation());
        }

        if (otlp)
        {
            builder.Logging.AddOpenTelemetry(l => { l.IncludeFormattedMessage = true; l.IncludeScopes = true; });
            // Traces, metrics and logs to OTEL_EXPORTER_OTLP_ENDPOINT (OTEL_EXPORTER_OTLP_PROTOCOL etc. apply).
            otel.UseOtlpExporter();
        }
        return builder;
    }

    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments(MetricsPath, StringComparison.OrdinalIgnoreCase);

    private static readonly ExplicitBucketHistogramConfiguration Buckets = new()
    {
        Boundaries = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 50, 100, 250, 1000],
    };
}
