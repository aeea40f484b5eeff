using Microsoft.Extensions.Diagnostics.HealthChecks;
using Recommender.Grains.Catalog;
using StackExchange.Redis;

namespace Recommender.Silo.Health;

/// <summary>
/// Ready = a grain answers (the cluster is reachable) and the store answers a PING — on the API
/// (either mode) and on a standalone silo alike. The PING goes through the process's own
/// connection (the grains' in a silo, the API's in cluster mode).
/// </summary>
public sealed class ReadinessCheck(IGrainFactory grains, IConnectionMultiplexer store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            var items = await grains.GetGrain<ICatalogGrain>(CatalogGrain.Key).Count().WaitAsync(timeout.Token);
            var latency = await store.GetDatabase().PingAsync().WaitAsync(timeout.Token);
            return HealthCheckResult.Healthy($"{items} items indexed; store answered in {latency.TotalMilliseconds:F1} ms");
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy("The cluster or the store does not answer.", e);
        }
    }
}
