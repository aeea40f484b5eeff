using Microsoft.Extensions.Diagnostics.HealthChecks;
using Recommender.Grains.Model;

namespace Recommender.Silo.Health;

/// <summary>
/// Whether the first model is published. Until it is, the service is ready — it serves, by
/// popularity (and category affinity) — but says so: <c>"model": "pending"</c>, then <c>"v3"</c>.
/// A load balancer keeps sending traffic either way; an operator sees the difference.
/// </summary>
public sealed class ModelReadiness(IGrainFactory grains) : IHealthCheck
{
    public const string Pending = "pending";

    /// <summary>How long a health call waits for the model grain.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    /// <summary><c>"pending"</c> until a model is published, then <c>"v{version}"</c>; and a sentence saying what serves. Waits at most <see cref="Timeout"/>.</summary>
    public static async Task<(string Model, string Description)> ReadAsync(IGrainFactory grains, CancellationToken cancellationToken)
    {
        var status = await grains.GetGrain<IModelGrain>(ModelGrain.Key).GetStatus().WaitAsync(Timeout, cancellationToken);
        return status.Version > 0
            ? ($"v{status.Version}", $"model v{status.Version} serves ({status.Choice?.Serving ?? "ALS"}); {status.Status}")
            : (Pending, $"model pending ({status.Status}): popularity serves until the first model is published");
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var (model, description) = await ReadAsync(grains, cancellationToken);
            return HealthCheckResult.Healthy(description, new Dictionary<string, object> { ["model"] = model });
        }
        catch (Exception e)
        {
            // "unknown", as GET /api/v1/health says it, so the answer's top-level "model" is always there.
            return HealthCheckResult.Unhealthy("The model grain does not answer.", e, new Dictionary<string, object> { ["model"] = "unknown" });
        }
    }
}
