using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using Recommender.Grains.Telemetry;

namespace Recommender.Silo.Hosting;

/// <summary>OpenTelemetry metrics — the service's own meters, Orleans', ASP.NET Core's and the runtime's — scraped by Prometheus at <c>/metrics</c>.</summary>
public static class TelemetryExtensions
{
    public static WebApplicationBuilder AddRecommenderTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(RecommenderMetrics.MeterName)
            .AddMeter("Microsoft.Orleans")
            .AddAspNetCoreInstrumentation()
            .AddRuntimeInstrumentation()
            .AddView("recommender.recommendation.duration", Buckets)
            .AddView("recommender.push.duration", Buckets)
            .AddView("recommender.foldin.duration", Buckets)
            .AddPrometheusExporter());
        return builder;
    }

    /// <summary>Millisecond buckets fine enough for sub-millisecond ranking and push times.</summary>
    private static readonly ExplicitBucketHistogramConfiguration Buckets = new()
    {
        Boundaries = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 50, 100, 250, 1000],
    };

    public static WebApplication MapRecommenderMetrics(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }
}
