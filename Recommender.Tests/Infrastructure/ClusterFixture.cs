using Orleans.TestingHost;
using Recommender.Grains.Catalog;
using Recommender.Grains.Items;

namespace Recommender.Tests.Infrastructure;

/// <summary>A two-silo test cluster on an embedded Garnet with a small catalog, shared by a test collection.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public GarnetStore Store { get; } = new();
    public InProcessTestCluster Cluster { get; private set; } = null!;
    public IGrainFactory Grains => Cluster.Client;

    public static readonly string[] Action = ["a1", "a2", "a3", "a4", "a5", "a6"];
    public static readonly string[] Comedy = ["c1", "c2", "c3", "c4", "c5", "c6"];
    public static readonly string[] Drama = ["d1", "d2", "d3", "d4", "d5", "d6"];

    public async Task InitializeAsync()
    {
        Cluster = await RecommenderCluster.StartAsync(Store.ConnectionString, "grains-" + Guid.NewGuid().ToString("N")[..8]);
        var items = Action.Select(id => Item(id, "Action"))
            .Concat(Comedy.Select(id => Item(id, "Comedy")))
            .Concat(Drama.Select(id => Item(id, "Drama")))
            .ToArray();
        await Grains.GetGrain<ICatalogGrain>(CatalogGrain.Key).UpsertMany(items);
        // Every silo's index must know the catalog before rankings are compared.
        foreach (var silo in Cluster.Silos)
        {
            var index = (ItemIndex)silo.ServiceProvider.GetService(typeof(ItemIndex))!;
            await Eventually.Get(() => Task.FromResult(index.Count), n => n == items.Length, because: "catalog replicated to every silo");
        }
    }

    private static ItemMetadata Item(string id, string category) => new() { ItemId = id, Title = $"Title {id}", Categories = [category] };

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        Store.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "two-silo cluster";
}
