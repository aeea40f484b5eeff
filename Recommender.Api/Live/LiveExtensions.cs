using System.Text.Json;
using System.Text.Json.Serialization;

namespace Recommender.Api.Live;

public static class LiveExtensions
{
    public static IServiceCollection AddRecommenderLive(this IServiceCollection services)
    {
        services.AddSignalR().AddJsonProtocol(o =>
        {
            o.PayloadSerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        });
        services.AddOptions<LiveOptions>().BindConfiguration(LiveOptions.Section)
            .Validate(o => o.RenewPeriod > TimeSpan.Zero, "Live:RenewPeriod must be positive.")
            .ValidateOnStart();
        services.AddSingleton<RankingPushRelay>();
        services.AddHostedService(sp => sp.GetRequiredService<RankingPushRelay>());
        return services;
    }

    public static IEndpointRouteBuilder MapLiveHub(this IEndpointRouteBuilder routes)
    {
        routes.MapHub<RecommendationsHub>("/hubs/recommendations");
        return routes;
    }
}
