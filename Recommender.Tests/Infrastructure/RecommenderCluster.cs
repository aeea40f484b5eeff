using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;
using Recommender.Silo.Hosting;

namespace Recommender.Tests.Infrastructure;

/// <summary>
/// An in-process Orleans test cluster whose silos are wired exactly like real ones
/// (<see cref="RecommenderSiloExtensions.AddRecommenderGrains"/>) against a real Redis-protocol store.
/// </summary>
public static class RecommenderCluster
{
    public static async Task<InProcessTestCluster> StartAsync(string connectionString, string serviceId, int silos = 2,
        IDictionary<string, string?>? settings = null)
    {
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.Options.ServiceId = serviceId;
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Recommender:SnapshotInterval"] = "00:00:01",
                ["Recommender:ItemPublishInterval"] = "00:00:00.050",
            });
            if (settings is not null) host.Configuration.AddInMemoryCollection(settings);
        });
        builder.ConfigureSilo((_, silo) => silo.AddRecommenderGrains(connectionString));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
