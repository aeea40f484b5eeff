using Recommender.ServiceDefaults.Json;
using Microsoft.AspNetCore.SignalR;

namespace Recommender.Api.Live;

public static class LiveExtensions
{
    public static IServiceCollection AddRecommenderLive(this IServiceCollection services)
    {
        services.AddSingleton<HubErrorLogFilter>();
        services.AddSignalR(o => o.AddFilter<HubErrorLogFilter>()).AddJsonProtocol(o => JsonDefaults.Apply(o.PayloadSerializerOptions));
        services.AddOptions<LiveOptions>().BindConfiguration(LiveOptions.Section)
            .Validate(o => o.RenewPeriod > TimeSpan.Zero, "Live:RenewPeriod must be positive.")
            .Validate(o => o.MaxWatchesPerConnection > 0, "Live:MaxWatchesPerConnection must be positive.")
            .ValidateOnStart();
        // Refused calls are answered with a hub error, not logged as errors (see HubErrorLogFilter).
        services.AddLogging(b => b.AddFilter("Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher", LogLevel.Critical));
        services.AddSingleton<RankingPushRelay>();
        services.AddHostedService(sp => sp.GetRequiredService<RankingPushRelay>());
        services.AddSingleton<ExperimentBroadcaster>();
        services.AddHostedService(sp => sp.GetRequiredService<ExperimentBroadcaster>());
        return services;
    }

    public static IEndpointRouteBuilder MapLiveHub(this IEndpointRouteBuilder routes)
    {
        routes.MapHub<RecommendationsHub>("/hubs/recommendations");
        return routes;
    }
}
