using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Recommender.AppHost.Redis;
using Recommender.Silo.Hosting;
using Recommender.Silo.Storage;
using Recommender.Tests.Infrastructure;
using StackExchange.Redis;

namespace Recommender.Tests.AppHost;

/// <summary>How the silo and the API read what Aspire gives them, and how the AppHost chooses its Redis.</summary>
public sealed class AspireConventionsTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Without_Aspire_keys_the_Cluster_section_rules_unchanged()
    {
        var config = Config(("Cluster:ServiceId", "svc"), ("Cluster:ClusterId", "c1"), ("Cluster:SiloPort", "11112"), ("ConnectionStrings:redis", "127.0.0.1:6380"));
        var cluster = AspireConventions.ClusterSettings(config);
        Assert.Equal(("svc", "c1", 11112, 30000), (cluster.ServiceId, cluster.ClusterId, cluster.SiloPort, cluster.GatewayPort));
        Assert.False(AspireConventions.ConfiguresClustering(config));
        Assert.False(AspireConventions.ConfiguresGrainStorage(config, "recommender"));
        Assert.Equal("127.0.0.1:6380", RedisConnection.Configured(config));
    }

    [Fact]
    public void Aspires_ids_ports_and_named_connection_take_over()
    {
        var config = Config(
            ("Cluster:ServiceId", "svc"), ("Cluster:SiloPort", "11112"),
            ("Orleans:ServiceId", "recommender"), ("Orleans:ClusterId", "aspire"),
            ("Orleans:Endpoints:SiloPort", "41001"), ("Orleans:Endpoints:GatewayPort", "41002"),
            ("Orleans:Clustering:ProviderType", "Redis"), ("Orleans:Clustering:ServiceKey", "store"),
            ("Orleans:GrainStorage:recommender:ProviderType", "Redis"), ("Orleans:GrainStorage:recommender:ServiceKey", "store"),
            ("ConnectionStrings:store", "localhost:41003"));
        var cluster = AspireConventions.ClusterSettings(config);
        Assert.Equal(("recommender", "aspire", 41001, 41002), (cluster.ServiceId, cluster.ClusterId, cluster.SiloPort, cluster.GatewayPort));
        Assert.True(AspireConventions.ConfiguresClustering(config));
        Assert.True(AspireConventions.ConfiguresGrainStorage(config, "recommender"));
        Assert.False(AspireConventions.ConfiguresGrainStorage(config, "other"));
        // The store is the connection the clustering's ServiceKey names when ConnectionStrings:redis is absent.
        Assert.Equal("localhost:41003", RedisConnection.Configured(config));
    }

    [Fact]
    public void A_service_key_naming_the_store_resolves_to_the_stores_own_connection()
    {
        var config = Config(("Orleans:Clustering:ServiceKey", "redis"), ("Orleans:GrainStorage:recommender:ServiceKey", "redis"), ("ConnectionStrings:redis", "127.0.0.1:1"));
        var services = new ServiceCollection();
        using var store = ConnectionMultiplexer.Connect(new ConfigurationOptions { EndPoints = { "127.0.0.1:1" }, AbortOnConnectFail = false, ConnectTimeout = 200 });
        services.AddSingleton<IConnectionMultiplexer>(store);
        services.AddKeyedConnections(config, "127.0.0.1:1");
        using var provider = services.BuildServiceProvider();
        Assert.Same(store, provider.GetRequiredKeyedService<IConnectionMultiplexer>("redis"));
        // Two ServiceKeys with the same name register one keyed connection, not two.
        Assert.Single(services, d => d.IsKeyedService && Equals(d.ServiceKey, "redis"));
    }

    [Fact]
    public void A_service_key_without_its_connection_string_is_refused_at_start()
    {
        var config = Config(("Orleans:Clustering:ServiceKey", "missing"));
        var error = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddKeyedConnections(config, "127.0.0.1:1"));
        Assert.Contains("ConnectionStrings:missing", error.Message);
    }

    [Fact]
    public async Task Auto_chooses_the_executable_exactly_when_no_container_engine_answers()
    {
        var engine = ContainerRuntime.Find();
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Recommender_AppHost>([]);
        var redis = builder.Resources.Single(r => r.Name == "redis");
        Assert.Equal(engine is null, redis is RedisServerResource);
        await using var app = await builder.BuildAsync(); // never started
    }

    [Fact]
    public void A_docker_cli_without_a_daemon_is_not_a_container_engine()
    {
        // This machine and CI have the docker CLI but no daemon; a CLI that is not installed at all counts the same.
        Assert.Null(ContainerRuntime.Find("no-such-container-cli"));
        if (Requirements.FindExecutable("docker") is not null && !File.Exists("/var/run/docker.sock"))
            Assert.Null(ContainerRuntime.Find("docker"));
    }
}
