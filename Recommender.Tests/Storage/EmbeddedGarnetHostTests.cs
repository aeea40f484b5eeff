using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Recommender.Silo.Hosting;
using Recommender.Silo.Storage;
using Recommender.Tests.Infrastructure;
using StackExchange.Redis;

namespace Recommender.Tests.Storage;

/// <summary>
/// Issue #16, point 7: the embedded Garnet is started by a hosted service when the host starts —
/// not while services are registered — before every other hosted service, whatever their
/// registration order, and stopped once the host has stopped.
/// </summary>
public sealed class EmbeddedGarnetHostTests
{
    [Fact]
    public async Task Garnet_listens_from_the_hosts_start_before_any_hosted_service_until_its_stop()
    {
        using var dir = new TempDirectory();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Development", Args = [] });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:DataDir"] = Path.Combine(dir.Path, "store"),
            ["Cluster:SiloPort"] = EmbeddedGarnet.FreeLoopbackPort().ToString(),
            ["Cluster:GatewayPort"] = EmbeddedGarnet.FreeLoopbackPort().ToString(),
            ["Recommender:SeedDemoCatalog"] = "false",
        });
        // Registered before the silo (and so before Garnet's own hosted service): it still finds the store up.
        var early = new StorePinger();
        builder.Services.AddHostedService(sp => early.With(sp.GetRequiredService<RecommenderStore>()));
        var store = builder.AddRecommenderSilo(SiloClustering.Localhost);
        var garnet = store.Garnet!;

        using var host = builder.Build();
        Assert.False(garnet.IsRunning);
        Assert.False(await Listens(garnet.Port), "nothing listens before the host starts");

        await host.StartAsync();
        Assert.True(garnet.IsRunning);
        Assert.Equal("PONG", early.Answer);
        var redis = host.Services.GetRequiredService<IConnectionMultiplexer>();
        await redis.GetDatabase().StringSetAsync("garnet-host-test", "kept");

        await host.StopAsync();
        Assert.False(garnet.IsRunning);
        Assert.False(await Listens(garnet.Port), "the store stops with the host");

        // Its data was committed: a new store on the same folder reads it back.
        using var again = new EmbeddedGarnet(new StorageOptions { DataDir = Path.Combine(dir.Path, "store"), GarnetPort = EmbeddedGarnet.FreeLoopbackPort() }).Start();
        await using var check = await ConnectionMultiplexer.ConnectAsync(again.ConnectionString);
        Assert.Equal("kept", (string?)await check.GetDatabase().StringGetAsync("garnet-host-test"));
    }

    private static async Task<bool> Listens(int port)
    {
        using var tcp = new TcpClient();
        try
        {
            await tcp.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>A hosted service that talks to the store in its StartAsync.</summary>
    private sealed class StorePinger : IHostedService
    {
        private RecommenderStore _store = null!;
        public string? Answer { get; private set; }

        public StorePinger With(RecommenderStore store)
        {
            _store = store;
            return this;
        }

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await using var redis = await ConnectionMultiplexer.ConnectAsync(_store.ConnectionString);
            Answer = (string?)await redis.GetDatabase().ExecuteAsync("PING");
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
