using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Recommender.Api.Health;

public static class HealthEndpoints
{
    public const string ReadyTag = "ready";

    public static IServiceCollection AddRecommenderHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<ReadinessCheck>("cluster-and-store", tags: [ReadyTag])
            .AddCheck<ModelReadiness>("model", tags: [ReadyTag]);
        return services;
    }

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder routes)
    {
        routes.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).WithTags("Health");
        routes.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains(ReadyTag),
            ResponseWriter = WriteJson,
        }).WithTags("Health");
        return routes;
    }

    private static Task WriteJson(HttpContext context, HealthReport report) =>
        context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString().ToLowerInvariant(),
            // "pending" while popularity serves (no model published yet), then "v{version}".
            model = report.Entries.TryGetValue("model", out var m) && m.Data.TryGetValue("model", out var v) ? v : null,
            checks = report.Entries.Select(e => new { name = e.Key, status = e.Value.Status.ToString().ToLowerInvariant(), e.Value.Description, e.Value.Data }),
        });
}
