using Recommender.Api.Experiments;
using Recommender.Api.Filters;
using Microsoft.AspNetCore.Http.Features;
using Orleans.Dashboard;
using Recommender.Api.Dashboard;
using Recommender.Api.Boosts;
using Recommender.Api.Events;
using Recommender.Api.Items;
using Recommender.Api.Live;
using Recommender.Api.Model;
using Recommender.Api.OpenApi;
using Recommender.Api.Problems;
using Recommender.Api.Seed;
using Recommender.Api.Promotions;
using Recommender.Api.Security;
using Recommender.Api.Users;
using Recommender.Silo.Health;

namespace Recommender.Api.Hosting;

public static class ApiExtensions
{
    /// <summary>Largest request body accepted (a batch of 10,000 events is about 1.5 MB).</summary>
    public const long MaxRequestBytes = 8 * 1024 * 1024;

    public const string DashboardPrefix = "/dashboard";

    public static WebApplicationBuilder AddRecommenderApi(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        // Problem details, JSON options, telemetry and the health endpoints: AddServiceDefaults (Program.cs).
        services.AddExceptionHandler<StoreUnavailableHandler>();
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = MaxRequestBytes);
        builder.AddRequestLimits();
        services.Configure<FormOptions>(o => o.MultipartBodyLengthLimit = MaxRequestBytes);
        services.AddRecommenderOpenApi();
        services.AddOutputCache(o => o.AddPolicy(OpenApiCache.PolicyName, new OpenApiCache()));
        builder.AddRecommenderHealth();
        services.AddSingleton<EventIngest>();
        services.AddRecommenderLive();
        builder.AddRecommenderSecurity();
        return builder;
    }

    public static WebApplication MapRecommenderApi(this WebApplication app)
    {
        app.UseRequestLimits();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRecommenderSecurity();
        app.UseDashboardAddressGuard(DashboardPrefix);
        app.UseOutputCache();
        // The document is the same for every caller and cost ~27 ms of CPU to build each time (measured by the outside attack of issue #11).
        app.MapOpenApi().CacheOutput(OpenApiCache.PolicyName);
        app.MapEventsApi();
        app.MapUsersApi();
        app.MapItemsApi();
        app.MapFiltersApi();
        app.MapPromotionsApi();
        app.MapBoostsApi();
        app.MapExperimentsApi();
        app.MapSeedApi();
        app.MapModelApi();
        app.MapSessionApi();
        app.MapLiveHub();
        app.MapOrleansDashboard(routePrefix: DashboardPrefix);
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            foreach (var url in app.Urls)
                app.Logger.LogInformation("Recommender ready: simulator {Url}/  API {Url}/openapi/v1.json  dashboard {Url}/dashboard", url, url, url);
        });
        return app;
    }
}
