using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Recommender.ServiceDefaults.Health;

/// <summary>
/// The one implementation of <c>/health/live</c> and <c>/health/ready</c>, for the API and the silo
/// alike. Live runs the checks tagged <see cref="LiveTag"/> (only "the process answers"); ready runs
/// those tagged <see cref="ReadyTag"/>, which each service registers (the recommender's: a grain
/// round trip, a store PING, the model's state) and answers JSON.
/// </summary>
public static class HealthExtensions
{
    /// <summary>Checks that decide liveness: a failing one means "restart me".</summary>
    public const string LiveTag = "live";

    /// <summary>Checks that decide readiness: a failing one means "send me no traffic".</summary>
    public const string ReadyTag = "ready";

    /// <summary>A ready check whose data is also written at the top of the answer (e.g. <c>"model": "v3"</c>).</summary>
    public const string SummaryTag = "summary";

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        return builder;
    }

    public static IEndpointRouteBuilder MapDefaultHealthEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = c => c.Tags.Contains(LiveTag) }).WithTags("Health");
        routes.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains(ReadyTag),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        }).WithTags("Health");
        return routes;
    }
}
