using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Recommender.ServiceDefaults.Health;

namespace Recommender.Silo.Health;

/// <summary>
/// The recommender's readiness checks, the same on the API and on a standalone silo (served by
/// ServiceDefaults' one <c>/health/ready</c>): <c>cluster-and-store</c> (a grain round trip and a
/// store PING) and <c>model</c> (which model serves, or "pending"; its <c>model</c> is also written
/// at the top of the answer).
/// </summary>
public static class RecommenderHealth
{
    public static TBuilder AddRecommenderHealth<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck<ReadinessCheck>("cluster-and-store", tags: [HealthExtensions.ReadyTag])
            .AddCheck<ModelReadiness>("model", tags: [HealthExtensions.ReadyTag, HealthExtensions.SummaryTag]);
        return builder;
    }
}
