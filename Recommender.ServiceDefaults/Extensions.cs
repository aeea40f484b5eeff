using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Recommender.ServiceDefaults.Health;
using Recommender.ServiceDefaults.Json;
using Recommender.ServiceDefaults.Telemetry;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What the API and the silo share, in the shape of eShop's and Aspire's ServiceDefaults: one
/// <c>builder.AddServiceDefaults()</c> in each <c>Program.cs</c>, one <c>app.MapDefaultEndpoints()</c>.
/// (In this namespace, as Aspire's template has it, so an AppHost's projects find it without a using.)
/// </summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>
    /// OpenTelemetry (metrics always, scraped at <c>/metrics</c>; traces when an OTLP endpoint is set
    /// or <c>Telemetry:Tracing</c> is true; everything sent by OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>
    /// is set), the health checks' registry, problem details and the JSON options of every endpoint.
    /// Works on a <c>WebApplicationBuilder</c> and on any other <see cref="IHostApplicationBuilder"/>.
    /// </summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddDefaultTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(o => JsonDefaults.Apply(o.SerializerOptions));
        return builder;
    }

    /// <summary><c>/health/live</c>, <c>/health/ready</c> and the Prometheus scrape at <c>/metrics</c>.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapDefaultHealthEndpoints();
        app.MapPrometheusScrapingEndpoint(TelemetryExtensions.MetricsPath);
        return app;
    }
}
