using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Persistence;
using Orleans.Serialization;
using Orleans.Storage;
using Recommender.Grains;
using Recommender.Grains.Catalog;
using Recommender.Grains.Domain;
using Recommender.Grains.Items;
using Recommender.Grains.Model;
using Recommender.Grains.Ranking;
using Recommender.Grains.Rules;
using Recommender.Grains.Experiments;
using Recommender.Grains.Impressions;
using Recommender.Grains.Storage;
using Recommender.Grains.Users;
using Recommender.Silo.Demo;
using Recommender.Silo.Storage;
using StackExchange.Redis;

namespace Recommender.Silo.Hosting;

/// <summary>How the silo finds its peers.</summary>
public enum SiloClustering
{
    /// <summary>One silo co-hosted with the API (local mode): localhost clustering, no membership table.</summary>
    Localhost,
    /// <summary>Standalone silos forming a cluster through a Redis membership table.</summary>
    Redis,
}

public static class RecommenderSiloExtensions
{
    /// <summary>
    /// Hosts a recommender silo in this process: the store (embedded Garnet unless a Redis is
    /// configured), clustering, grain storage, the dashboard's collectors and the demo catalog.
    /// </summary>
    public static RecommenderStore AddRecommenderSilo(this IHostApplicationBuilder builder, SiloClustering clustering)
    {
        using var bootLogging = LoggerFactory.Create(l => l.AddConsole().SetMinimumLevel(LogLevel.Warning));
        var store = RecommenderStore.Open(builder.Configuration, bootLogging);
        builder.Services.AddSingleton(store);
        if (store.Garnet is { } garnet)
        {
            // Started when the host starts, before Orleans' silo and anything else that connects to it.
            builder.Services.AddSingleton(garnet);
            builder.Services.AddHostedService<EmbeddedGarnetHost>();
            if (garnet.SyncCommit) builder.Services.AddSingleton<IStoreCommit>(new EmbeddedGarnetCommit(garnet));
        }
        var cluster = AspireConventions.ClusterSettings(builder.Configuration);
        builder.Services.AddKeyedConnections(builder.Configuration, store.ConnectionString);

        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o => { o.ServiceId = cluster.ServiceId; o.ClusterId = cluster.ClusterId; });
            if (clustering == SiloClustering.Redis)
            {
                // Under Aspire, Orleans has applied Orleans:Clustering itself (the Redis provider, on the keyed connection).
                if (!AspireConventions.ConfiguresClustering(builder.Configuration))
                    silo.UseRedisClustering(o => o.ConfigurationOptions = RedisConnection.Options(store.ConnectionString, TimeSpan.FromSeconds(5)));
                // Ours last, so it outranks Orleans:Endpoints: always the loopback (or the set address), never a guessed interface.
                silo.ConfigureEndpoints(cluster.ResolveAdvertisedAddress(), cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: false);
                // Failure detection (probe timeout, missed probes, ...) from Cluster:Membership, Orleans' names; defaults otherwise.
                silo.Services.AddOptions<ClusterMembershipOptions>().Bind(builder.Configuration.GetSection(ClusterSettings.MembershipSection));
                silo.Services.AddOptions<SiloMessagingOptions>().Bind(builder.Configuration.GetSection(ClusterSettings.MessagingSection));
            }
            else
            {
                silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
            }
            silo.AddDashboard();
            // A grain call carries the caller's trace context (W3C traceparent in the request context):
            // one trace from the HTTP request through the grains to the push. No span is made without a listener.
            silo.AddActivityPropagation();
            // Orleans 10.4.2's watchdog reports the machine's uptime as a stall at start: see WatchdogStartRace.
            silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, WatchdogStartRace>();
            silo.AddRecommenderGrains(store.ConnectionString);
        });
        if (builder.Configuration.GetValue($"{RecommenderOptions.Section}:{nameof(RecommenderOptions.SeedDemoCatalog)}", true))
            builder.Services.AddHostedService<DemoCatalogSeeder>();
        SyntheticCatalog.Register(builder); // opt-in benchmark catalog (Bench:SyntheticItems), after the index and model loaders
        return store;
    }

    /// <summary>
    /// Everything the grains need on a silo, given the Redis-protocol store: grain storage with
    /// the Orleans binary serializer, the event log, the item index and its sync, ranking.
    /// Shared by real silos and test clusters.
    /// </summary>
    public static ISiloBuilder AddRecommenderGrains(this ISiloBuilder silo, string redisConnectionString)
    {
        var services = silo.Services;
        services.AddOptions<RecommenderOptions>().BindConfiguration(RecommenderOptions.Section);
        services.AddOptions<EvidenceOptions>().BindConfiguration($"{RecommenderOptions.Section}:Evidence");
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section);
        services.AddOptions<ModelOptions>().BindConfiguration(ModelOptions.Section);
        services.AddOptions<RotationOptions>().BindConfiguration(RotationOptions.Section);
        services.AddOptions<ExplorationOptions>().BindConfiguration(ExplorationOptions.Section);
        services.AddOptions<ImpressionOptions>().BindConfiguration(ImpressionOptions.Section);

        services.AddSingleton<IConnectionMultiplexer>(sp => RedisConnection.Connect(
            redisConnectionString,
            sp.GetRequiredService<IOptions<StorageOptions>>().Value.CommandTimeout,
            sp.GetService<ILoggerFactory>()?.CreateLogger("Recommender.Redis") ?? NullLogger.Instance));
        services.AddSingleton<RedisKeys>();
        services.TryAddSingleton<IStoreCommit, StoreCommitsItself>(); // embedded Garnet registers its own first
        services.AddSingleton<EventLog>();
        services.AddSingleton<EventCounters>();
        services.AddHostedService(sp => sp.GetRequiredService<EventCounters>());
        services.AddSingleton<ItemIndex>();
        services.AddPlacementDirector<SiloBoundPlacement, SiloBoundPlacementDirector>();
        services.AddSingleton<ItemChangePublisher>();
        services.AddHostedService(sp => sp.GetRequiredService<ItemChangePublisher>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<RuleStore>();
        services.AddHostedService<RuleStoreSync>();
        services.AddSingleton<ExperimentStore>();
        services.AddHostedService<ExperimentStoreSync>();
        services.AddSingleton<ImpressionRecorder>();
        services.AddHostedService(sp => sp.GetRequiredService<ImpressionRecorder>());
        services.AddSingleton<ItemFilters>();
        services.AddSingleton<ItemMasks>();
        services.AddSingleton<Boosts>();
        services.AddSingleton<Exploration>();
        services.AddSingleton<RankingEngine>();
        services.AddSingleton<Promotions>();
        services.AddSingleton<ListComposer>();
        services.AddSingleton<UserGrainServices>();
        services.AddSingleton<SimilarItems>();
        services.AddSingleton<LiveModel>();
        services.AddSingleton<ModelStore>();
        services.AddSingleton<ModelTrainer>();
        services.AddHostedService<KernelWarmUp>();
        // Order matters: the item index loads the catalog before the model maps its items to slots.
        services.AddHostedService<ItemIndexSync>();
        services.AddHostedService(sp => sp.GetRequiredService<ModelStore>());

        // Snapshots use Orleans' binary serializer (versioned by [Id]s, no CLR type names in the data).
        // Under Aspire (Orleans:GrainStorage:recommender) Orleans has registered the provider on the keyed
        // connection; registering it again would start a second instance, so only our settings are added.
        var declaredByConfiguration = AspireConventions.ConfiguresGrainStorage(silo.Configuration, StorageNames.Grains);
        if (!declaredByConfiguration) silo.AddRedisGrainStorage(StorageNames.Grains, (OptionsBuilder<RedisStorageOptions> _) => { });
        services.AddOptions<RedisStorageOptions>(StorageNames.Grains).Configure<IServiceProvider>((o, sp) =>
        {
            if (!declaredByConfiguration)
                o.ConfigurationOptions = RedisConnection.Options(redisConnectionString, sp.GetRequiredService<IOptions<StorageOptions>>().Value.CommandTimeout);
            o.GrainStorageSerializer = new OrleansGrainStorageSerializer(sp.GetRequiredService<Serializer>());
            // A clear deletes the record: without it a forgotten user's key stayed forever as an
            // empty hash (…/state/user/<id>/user), which erasure must not leave behind.
            o.DeleteStateOnClear = true;
        });
        return silo;
    }
}
