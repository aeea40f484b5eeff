using Recommender.Grains.Catalog;
using Recommender.Grains.Domain;
using Recommender.Grains.Items;
using Recommender.Grains.Model;
using Recommender.Grains.Users;
using Recommender.Tests.Infrastructure;

namespace Recommender.Tests.Grains;

/// <summary>
/// Learning through the grains on a two-silo cluster: a retraining publishes a version every silo
/// serves, and per-event fold-in moves rankings — a like pulls similar items up, dislikes push them down.
/// </summary>
public sealed class ModelTests : IAsyncLifetime
{
    private readonly GarnetStore _store = new();
    private Orleans.TestingHost.InProcessTestCluster _cluster = null!;
    private IGrainFactory Grains => _cluster.Client;
    private static readonly string[] Action = Enumerable.Range(1, 12).Select(i => $"act{i}").ToArray();
    private static readonly string[] Comedy = Enumerable.Range(1, 12).Select(i => $"com{i}").ToArray();
    private long _clock = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public async Task InitializeAsync()
    {
        _cluster = await RecommenderCluster.StartAsync(_store.ConnectionString, "model-" + Guid.NewGuid().ToString("N")[..8]);
        await Grains.GetGrain<ICatalogGrain>(CatalogGrain.Key).UpsertMany(
            [.. Action.Select(id => Item(id, "Action")), .. Comedy.Select(id => Item(id, "Comedy"))]);
        // 40 background users: half watch only action, half only comedy, so the model learns two clusters.
        var random = new Random(3);
        for (var u = 0; u < 40; u++)
        {
            var pool = u % 2 == 0 ? Action : Comedy;
            var events = pool.OrderBy(_ => random.Next()).Take(6).Select(id => Event(id, EventType.Like)).ToArray();
            await Grains.GetGrain<IUserGrain>($"bg-{u}").Record(events);
        }
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        _store.Dispose();
    }

    private static ItemMetadata Item(string id, string category) => new() { ItemId = id, Title = id, Categories = [category] };

    private InteractionEvent Event(string item, EventType type) =>
        new() { ItemId = item, Type = type, Timestamp = Interlocked.Increment(ref _clock) };

    [Fact]
    public async Task A_retraining_publishes_a_version_every_silo_serves_and_a_like_pulls_similar_items_up()
    {
        var status = await Grains.GetGrain<IModelGrain>(ModelGrain.Key).Retrain(wait: true, trigger: "test");
        Assert.Equal("idle", status.Status);
        Assert.True(status.Version >= 1);
        Assert.Equal(24, status.Items);
        foreach (var silo in _cluster.Silos)
        {
            var live = (LiveModel)silo.ServiceProvider.GetService(typeof(LiveModel))!;
            await Eventually.Get(() => Task.FromResult(live.Current.Version), v => v == status.Version, because: "every silo installs the new version");
        }

        var user = Grains.GetGrain<IUserGrain>("fan-of-action");
        await user.Record([Event("act1", EventType.Like)]);
        var ranking = await user.Recommend(new RecommendQuery { K = 5 });

        Assert.Equal("personal", ranking.Strategy);
        Assert.Equal(status.Version, ranking.ModelVersion);
        Assert.All(ranking.Items, i => Assert.Contains(i.ItemId, Action));
        Assert.Contains(ranking.Items, i => i.Reason == "because you liked act1");
    }

    [Fact]
    public async Task Dislikes_push_the_disliked_kind_of_item_down()
    {
        await Grains.GetGrain<IModelGrain>(ModelGrain.Key).Retrain(wait: true, trigger: "test");
        var user = Grains.GetGrain<IUserGrain>("mixed-taste");
        await user.Record([Event("act2", EventType.Like), Event("com2", EventType.Like)]);
        var before = await user.Recommend(new RecommendQuery { K = 22 });

        await user.Record([Event("com3", EventType.Dislike), Event("com4", EventType.Dislike), Event("com5", EventType.Dislike)]);
        var after = await user.Recommend(new RecommendQuery { K = 19 });

        double MeanRank(Ranking r) => r.Items.Where(i => Comedy.Contains(i.ItemId)).Average(i => i.Rank);
        Assert.True(MeanRank(after) > MeanRank(before), $"comedy mean rank {MeanRank(before):F1} → {MeanRank(after):F1} should grow after three comedy dislikes");
        Assert.True(after.Items.Take(5).All(i => Action.Contains(i.ItemId)),
            $"before: {string.Join(" ", before.Items.Select(i => $"{i.ItemId}:{i.Score:F3}"))}\nafter: {string.Join(" ", after.Items.Select(i => $"{i.ItemId}:{i.Score:F3}"))}");
    }

    [Fact]
    public async Task An_item_newer_than_the_model_becomes_recommendable_from_its_interactions()
    {
        var status = await Grains.GetGrain<IModelGrain>(ModelGrain.Key).Retrain(wait: true, trigger: "test");
        await Grains.GetGrain<ICatalogGrain>(CatalogGrain.Key).UpsertMany([Item("act-new", "Action")]);
        // All 20 action fans like the new item (about twice the users of a trained item); no retraining happens.
        for (var u = 0; u < 40; u += 2)
            await Grains.GetGrain<IUserGrain>($"bg-{u}").Record([Event("act-new", EventType.Like)]);

        var fan = Grains.GetGrain<IUserGrain>("new-action-fan");
        await fan.Record([Event("act3", EventType.Like), Event("act4", EventType.Like)]);
        Ranking? last = null;
        var item = await Grains.GetGrain<IItemGrain>("act-new").Get();
        try
        {
            await Eventually.Get(async () => last = await fan.Recommend(new RecommendQuery { K = 8 }),
                r => r.Items.Any(i => i.ItemId == "act-new"), because: "the new item's vector is learnt online from its users");
        }
        catch (TimeoutException)
        {
            Assert.Fail($"vector v{item?.VectorVersion} |y|={Math.Sqrt(item?.Vector?.Sum(v => v * v) ?? 0):F3}; ranking: {string.Join(" ", last!.Items.Select(i => $"{i.ItemId}:{i.Score:F3}"))}; serving {status.Choice?.Serving} ({status.Choice?.Reason})");
        }
        var ranking = last!;
        Assert.Contains(ranking.Items, i => i.ItemId == "act-new");

        var similar = await Grains.GetGrain<ICatalogGrain>(CatalogGrain.Key).Similar("act-new", new Recommender.Grains.Users.RecommendQuery { K = 5 });
        Assert.All(similar, i => Assert.Contains(i.ItemId, Action));
    }
}
