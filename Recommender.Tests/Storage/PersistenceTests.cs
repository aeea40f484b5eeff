using Orleans.TestingHost;
using Recommender.Grains.Catalog;
using Recommender.Grains.Domain;
using Recommender.Grains.Items;
using Recommender.Grains.Users;
using Recommender.Tests.Infrastructure;

namespace Recommender.Tests.Storage;

/// <summary>State survives a full restart of the cluster and of the store, on both Redis-protocol servers.</summary>
public sealed class PersistenceTests
{
    private static InteractionEvent Event(string item, EventType type, long at, float value = 0) =>
        new() { ItemId = item, Type = type, Value = value, Timestamp = at, EventId = $"{item}-{type}-{at}" };

    [Fact]
    public async Task Garnet_keeps_user_and_item_state_across_a_full_restart()
    {
        using var store = new GarnetStore();
        await RoundTrip(store.ConnectionString, restartStore: () => { store.Stop(); store.Start(); return Task.CompletedTask; });
    }

    [SkippableFact]
    public async Task Redis7_keeps_user_and_item_state_across_a_full_restart()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await RoundTrip(redis.ConnectionString, restartStore: async () => { await redis.KillAsync(); await redis.StartProcessAsync(); });
    }

    /// <summary>
    /// Writes, stops the cluster gracefully (snapshots are written on deactivation), restarts the
    /// store process and a new cluster with the same ServiceId, and reads everything back. Replay
    /// of the log after a crash is covered by <c>KillTests</c>.
    /// </summary>
    private static async Task RoundTrip(string connectionString, Func<Task> restartStore)
    {
        var serviceId = "persist-" + Guid.NewGuid().ToString("N")[..8];
        var t = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var first = await RecommenderCluster.StartAsync(connectionString, serviceId, silos: 1);
        await first.Client.GetGrain<ICatalogGrain>(CatalogGrain.Key).UpsertMany(
            [new ItemMetadata { ItemId = "m1", Title = "Movie One", Categories = ["Drama"] }]);
        var alice = first.Client.GetGrain<IUserGrain>("alice");
        await alice.Record([Event("m1", EventType.View, t), Event("m1", EventType.Rating, t + 1, 5)]);
        var bob = first.Client.GetGrain<IUserGrain>("bob");
        await bob.Record([Event("m1", EventType.Like, t + 2)]);
        await Task.Delay(1500); // one snapshot tick (SnapshotInterval = 1 s in tests)
        await bob.Record([Event("m2", EventType.Purchase, t + 3), Event("m3", EventType.Dislike, t + 4)]);
        var aliceBefore = await alice.GetProfile();
        var bobBefore = await bob.GetProfile();
        await first.StopAllSilosAsync();
        await first.DisposeAsync();

        await restartStore();

        var second = await RecommenderCluster.StartAsync(connectionString, serviceId, silos: 1);
        try
        {
            var aliceAfter = await second.Client.GetGrain<IUserGrain>("alice").GetProfile();
            var bobAfter = await second.Client.GetGrain<IUserGrain>("bob").GetProfile();
            AssertSameProfile(aliceBefore!, aliceAfter);
            AssertSameProfile(bobBefore!, bobAfter);
            Assert.Equal(1, bobAfter!.Counts["purchase"]);

            var item = await second.Client.GetGrain<IItemGrain>("m1").Get();
            Assert.NotNull(item);
            Assert.Equal("Movie One", item.Title);
            Assert.Equal(1, item.Counts[(int)EventType.Rating]);
            Assert.Equal(1, item.Counts[(int)EventType.Like]);

            // An event id acknowledged before the restart is still recognised after it.
            var repeat = await second.Client.GetGrain<IUserGrain>("alice").Record([Event("m1", EventType.View, t)]);
            Assert.Equal(new RecordResult(0, 1), repeat);
        }
        finally
        {
            await second.DisposeAsync();
        }
    }

    private static void AssertSameProfile(UserProfile before, UserProfile? after)
    {
        Assert.NotNull(after);
        Assert.Equal(before.TotalEvents, after.TotalEvents);
        Assert.Equal(before.Counts, after.Counts);
        Assert.Equal(before.FirstSeen, after.FirstSeen);
        Assert.Equal(before.LastSeen, after.LastSeen);
        Assert.Equal(before.Recent.Select(e => e.EventId), after.Recent.Select(e => e.EventId));
    }
}
