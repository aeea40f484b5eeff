using Orleans.Configuration;
using Orleans.Dashboard;
using Recommender.Silo.Hosting;
using Recommender.Silo.Storage;
using StackExchange.Redis;

namespace Recommender.Api.Hosting;

/// <summary>Where the grains run, from <c>Recommender:Mode</c>.</summary>
public enum HostingMode
{
    /// <summary>Default: a silo co-hosted in this process with an embedded Garnet (or the configured Redis).</summary>
    Local,
    /// <summary>An Orleans client of <c>Recommender.Silo</c> processes found through Redis clustering.</summary>
    Cluster,
}

public static class BackendExtensions
{
    public static HostingMode AddRecommenderBackend(this WebApplicationBuilder builder)
    {
        var mode = builder.Configuration.GetValue("Recommender:Mode", HostingMode.Local);
        if (mode == HostingMode.Local)
        {
            builder.AddRecommenderSilo(SiloClustering.Localhost);
            return mode;
        }

        var connectionString = RedisConnection.Configured(builder.Configuration)
            ?? throw new InvalidOperationException("Cluster mode needs the cluster's Redis: set ConnectionStrings:redis or RECO_REDIS.");
        var cluster = AspireConventions.ClusterSettings(builder.Configuration);
        builder.Services.AddKeyedConnections(builder.Configuration, connectionString);
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => { o.ServiceId = cluster.ServiceId; o.ClusterId = cluster.ClusterId; });
            // Under Aspire, Orleans has applied Orleans:Clustering itself (the Redis provider, on the keyed connection).
            if (!AspireConventions.ConfiguresClustering(builder.Configuration))
                client.UseRedisClustering(o => o.ConfigurationOptions = RedisConnection.Options(connectionString, TimeSpan.FromSeconds(5)));
            // Cluster:Messaging:ResponseTimeout etc. (Orleans' names); unset: Orleans' defaults (30 s).
            client.Services.AddOptions<ClientMessagingOptions>().Bind(builder.Configuration.GetSection(ClusterSettings.MessagingSection));
            client.AddDashboard();
            client.AddActivityPropagation();
        });
        builder.Services.AddSingleton<IConnectionMultiplexer>(sp =>
            RedisConnection.Connect(connectionString, TimeSpan.FromSeconds(5), sp.GetRequiredService<ILoggerFactory>().CreateLogger("Recommender.Redis")));
        // The web server words its answers with the silos' settings (the served lists' count and window, the metrics' retention).
        builder.Services.AddOptions<Recommender.Grains.Impressions.ImpressionOptions>().BindConfiguration(Recommender.Grains.Impressions.ImpressionOptions.Section);
        return mode;
    }
}
