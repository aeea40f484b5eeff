using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Recommender.Silo.Storage;
using StackExchange.Redis;

namespace Recommender.Silo.Hosting;

/// <summary>
/// Reads the configuration Aspire's Orleans integration (Recommender.AppHost) gives a project, in
/// Orleans' own keys: <c>Orleans:ServiceId</c>, <c>Orleans:ClusterId</c>, <c>Orleans:Endpoints:SiloPort</c> /
/// <c>GatewayPort</c>, <c>Orleans:Clustering:{ProviderType,ServiceKey}</c>,
/// <c>Orleans:GrainStorage:&lt;name&gt;:{ProviderType,ServiceKey}</c> and the connection string
/// <c>ConnectionStrings:&lt;ServiceKey&gt;</c>. Orleans applies the provider sections itself when
/// <c>UseOrleans</c> runs; what it cannot find alone is the Redis connection a <c>ServiceKey</c> names,
/// which <see cref="AddKeyedConnections"/> supplies. Without these keys nothing changes: the
/// <c>Cluster</c> section and <c>ConnectionStrings:redis</c> / <c>RECO_REDIS</c> rule as before.
/// </summary>
public static class AspireConventions
{
    public const string Section = "Orleans";

    /// <summary>True when the configuration declares the clustering provider (Aspire's <c>WithClustering</c>).</summary>
    public static bool ConfiguresClustering(IConfiguration configuration) =>
        !string.IsNullOrEmpty(configuration[$"{Section}:Clustering:ProviderType"]);

    /// <summary>True when the configuration declares grain storage <paramref name="name"/> (Aspire's <c>WithGrainStorage(name, …)</c>).</summary>
    public static bool ConfiguresGrainStorage(IConfiguration configuration, string name) =>
        !string.IsNullOrEmpty(configuration[$"{Section}:GrainStorage:{name}:ProviderType"]);

    /// <summary>
    /// The <c>Cluster</c> section, with Aspire's service id, cluster id and allocated ports in
    /// place of its own when they are given (Aspire allocates the ports; a fixed one would clash).
    /// </summary>
    public static ClusterSettings ClusterSettings(IConfiguration configuration)
    {
        var cluster = configuration.GetSection(Hosting.ClusterSettings.Section).Get<ClusterSettings>() ?? new ClusterSettings();
        var orleans = configuration.GetSection(Section);
        if (NonEmpty(orleans["ServiceId"]) is { } serviceId) cluster.ServiceId = serviceId;
        if (NonEmpty(orleans["ClusterId"]) is { } clusterId) cluster.ClusterId = clusterId;
        if (int.TryParse(orleans["Endpoints:SiloPort"], out var siloPort)) cluster.SiloPort = siloPort;
        if (int.TryParse(orleans["Endpoints:GatewayPort"], out var gatewayPort)) cluster.GatewayPort = gatewayPort;
        return cluster;
    }

    /// <summary>The connection string the clustering provider's <c>ServiceKey</c> names, if any.</summary>
    public static string? ClusteringConnectionString(IConfiguration configuration) =>
        NonEmpty(configuration[$"{Section}:Clustering:ServiceKey"]) is { } key ? NonEmpty(configuration.GetConnectionString(key)) : null;

    /// <summary>
    /// Registers, for every <c>ServiceKey</c> under <c>Orleans:</c>, the keyed <see cref="IConnectionMultiplexer"/>
    /// Orleans' Redis providers ask for (what <c>AddKeyedRedisClient</c> would do): the store's own
    /// connection when the key names the store, else a connection of its own to <c>ConnectionStrings:&lt;key&gt;</c>.
    /// The providers mark it shared and never dispose it.
    /// </summary>
    public static IServiceCollection AddKeyedConnections(this IServiceCollection services, IConfiguration configuration, string storeConnectionString)
    {
        var keys = configuration.GetSection(Section).AsEnumerable()
            .Where(p => p.Key.EndsWith(":ServiceKey", StringComparison.OrdinalIgnoreCase) && !string.IsNullOrEmpty(p.Value))
            .Select(p => p.Value!)
            .Distinct(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            var connectionString = NonEmpty(configuration.GetConnectionString(key))
                ?? throw new InvalidOperationException($"Orleans configuration names the connection '{key}', but ConnectionStrings:{key} is not set.");
            if (connectionString == storeConnectionString)
                services.AddKeyedSingleton<IConnectionMultiplexer>(key, (sp, _) => sp.GetRequiredService<IConnectionMultiplexer>());
            else
                services.AddKeyedSingleton<IConnectionMultiplexer>(key, (sp, _) => RedisConnection.Connect(
                    connectionString, TimeSpan.FromSeconds(5), sp.GetRequiredService<ILoggerFactory>().CreateLogger("Recommender.Redis")));
        }
        return services;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
