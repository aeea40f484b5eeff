using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Recommender.Silo.Hosting;

/// <summary><c>/health/live</c> and <c>/health/ready</c> (the store answers a PING) for process supervisors and compose.</summary>
public static class SiloHealth
{
    public static IServiceCollection AddSiloHealth(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<StoreCheck>("store", tags: ["ready"]);
        return services;
    }

    public static IEndpointRouteBuilder MapSiloHealth(this IEndpointRouteBuilder routes)
    {
        routes.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        routes.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
        return routes;
    }

    private sealed class StoreCheck(IConnectionMultiplexer redis) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var latency = await redis.GetDatabase().PingAsync().WaitAsync(TimeSpan.FromSeconds(3), cancellationToken);
                return HealthCheckResult.Healthy($"store answered in {latency.TotalMilliseconds:F1} ms");
            }
            catch (Exception e)
            {
                return HealthCheckResult.Unhealthy("The store does not answer.", e);
            }
        }
    }
}

public static class SiloDefaults
{
    /// <summary>Quiet framework logs, the health endpoint on loopback, no demo catalog (the cluster's data is real).</summary>
    public static WebApplicationBuilder UseSiloDefaults(this WebApplicationBuilder builder)
    {
        builder.Logging.AddFilter("Orleans", LogLevel.Warning).AddFilter("Polly", LogLevel.Warning).AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls("http://127.0.0.1:8081");
        builder.Configuration.AddInMemoryCollection([new("Recommender:SeedDemoCatalog", builder.Configuration["Recommender:SeedDemoCatalog"] ?? "false")]);
        return builder;
    }
}
