using Recommender.Grains.Catalog;
using Recommender.Grains.Domain;
using Recommender.Grains.Items;
using Recommender.Grains.Model;
using Recommender.Grains.Ranking;
using Recommender.Grains.Users;
using Recommender.Tests.Infrastructure;

namespace Recommender.Tests.Grains;

/// <summary>
/// The cold-item acceptance (issue #13, point 6) on a two-silo cluster: a model trained where half the
/// users like acme dramas and half zeta comedies; then new items described by categories and
/// properties only. Before any event they reach matching users — in the exploration places and,
/// through their content start vector, in the organic ranking — the share is exact and placed where
/// documented, and a retraining that saw an item's events makes it no longer new.
/// </summary>
public sealed class ColdItemTests : IAsyncLifetime
{
    private readonly GarnetStore _store = new();
    private Orleans.TestingHost.InProcessTestCluster _cluster = null!;
    private IGrainFactory Grains => _cluster.Client;
    private ICatalogGrain Catalog => Grains.GetGrain<ICatalogGrain>(CatalogGrain.Key);
    private static readonly string[] Drama = Enumerable.Range(1, 12).Select(i => $"dra{i}").ToArray();
    private static readonly string[] Comedy = Enumerable.Range(1, 12).Select(i => $"com{i}").ToArray();
    private static readonly string[] NewDrama = ["new-dra1", "new-dra2", "new-dra3"];
    private static readonly string[] NewComedy = ["new-com1", "new-com2", "new-com3"];
    private long _clock = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 3_600_000;
    private long _modelVersion;

    public async Task InitializeAsync()
    {
        _cluster = await RecommenderCluster.StartAsync(_store.ConnectionString, "cold-" + Guid.NewGuid().ToString("N")[..8]);
        await Catalog.UpsertMany([.. Drama.Select(id => Item(id, "Drama", "acme", 10)), .. Comedy.Select(id => Item(id, "Comedy", "zeta", 100))]);
        var random = new Random(7);
        for (var u = 0; u < 40; u++)
        {
            var pool = u % 2 == 0 ? Drama : Comedy;
            await Grains.GetGrain<IUserGrain>($"bg-{u}").Record([.. pool.OrderBy(_ => random.Next()).Take(6).Select(id => Event(id))]);
        }
        _modelVersion = (await Grains.GetGrain<IModelGrain>(ModelGrain.Key).Retrain(wait: true, trigger: "test")).Version;
        await EverySilo(live => live.Current.Version == _modelVersion, "every silo installs the model");

        // The new items: properties and categories only, no events; created after the training, in this order.
        var created = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await Catalog.UpsertMany([.. NewDrama.Select((id, i) => Item(id, "Drama", "acme", 12, created: created + i)),
            .. NewComedy.Select((id, i) => Item(id, "Comedy", "zeta", 90, created: created + 10 + i))]);
        await EverySilo(live => NewDrama.Concat(NewComedy).All(id => SlotVector(live, id)), "every silo holds the new items' content vectors");
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        _store.Dispose();
    }

    private long Now() => Interlocked.Increment(ref _clock);

    private static ItemMetadata Item(string id, string category, string brand, double price, long? created = null) => new()
    {
        ItemId = id, Title = id, Categories = [category], CreatedAt = created,
        Properties = Recommender.Rules.PropertyBag.From([new("brand", Recommender.Rules.PropertyValue.Of(brand)), new("price", Recommender.Rules.PropertyValue.Of(price))]).ToJson(),
    };

    private InteractionEvent Event(string item) => new() { ItemId = item, Type = EventType.Like, Timestamp = Now() };

    private async Task EverySilo(Func<LiveModel, bool> condition, string because)
    {
        foreach (var silo in _cluster.Silos)
        {
            var live = (LiveModel)silo.ServiceProvider.GetService(typeof(LiveModel))!;
            await Eventually.Get(() => Task.FromResult(condition(live)), ok => ok, because: because);
        }
    }

    /// <summary>The silo's packed vector for the item is set (not zero).</summary>
    private static bool SlotVector(LiveModel live, string itemId)
    {
        var index = (ItemIndex)typeof(LiveModel).GetField("_index", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(live)!;
        var slot = index.SlotOf(itemId);
        return slot >= 0 && slot < live.Current.Capacity && live.Current.ItemVector(slot).IndexOfAnyExcept(0f) >= 0;
    }

    private async Task<IUserGrain> Fan(string name, string[] liked)
    {
        var user = Grains.GetGrain<IUserGrain>(name);
        await user.Record([.. liked.Select(Event)]);
        return user;
    }

    [Fact]
    public async Task A_new_item_gets_a_content_vector_in_the_models_space_before_any_event()
    {
        var record = (await Grains.GetGrain<IItemGrain>("new-dra1").Get())!;
        Assert.Equal(_modelVersion, record.VectorVersion);
        Assert.NotNull(record.Vector);
        Assert.Equal(0, record.TotalInteractions);
    }

    [Fact]
    public async Task Matching_users_get_new_items_before_any_event_organically_and_in_exploration_places()
    {
        var dramaFan = await Fan("drama-fan", Drama[..3]);
        var comedyFan = await Fan("comedy-fan", Comedy[..3]);

        // Organic (no exploration): the content vector ranks the new dramas among the dramas, above every comedy.
        var organic = await dramaFan.Recommend(new RecommendQuery { K = 15, Exploration = 0 });
        var detail = string.Join(" ", organic.Items.Select(i => $"{i.ItemId}:{i.Score:F3}{(i.IsNew ? "*" : "")}"));
        var firstComedy = organic.Items.FirstOrDefault(i => i.ItemId.Contains("com"))?.Rank ?? int.MaxValue;
        foreach (var id in NewDrama)
        {
            var item = organic.Items.SingleOrDefault(i => i.ItemId == id);
            Assert.True(item is not null && item.Rank < firstComedy, $"{id} should rank above every comedy: {detail}");
            Assert.True(item!.IsNew && item.Reason != "new", "an organic new item is marked new, with its organic reason");
        }
        Assert.DoesNotContain(organic.Items, i => i.Reason == "new");

        // Exploration: each fan's places go to the new items of their own taste.
        var drama = await dramaFan.Recommend(new RecommendQuery { K = 10, Exploration = 0.3 });
        var comedy = await comedyFan.Recommend(new RecommendQuery { K = 10, Exploration = 0.3 });
        Assert.All(drama.Items.Where(i => i.Reason == "new"), i => Assert.Contains(i.ItemId, NewDrama));
        Assert.All(comedy.Items.Where(i => i.Reason == "new"), i => Assert.Contains(i.ItemId, NewComedy));
        Assert.Equal(3, drama.Items.Count(i => i.Reason == "new"));
        Assert.Equal(3, comedy.Items.Count(i => i.Reason == "new"));
    }

    [Fact]
    public async Task The_share_is_exact_at_the_documented_positions_and_respects_the_requests_rules()
    {
        var fan = await Fan("share-fan", Drama[..3]);
        foreach (var (k, share, expected) in new[] { (10, 0.3, new[] { 2, 5, 8 }), (10, 0.2, new[] { 3, 7 }), (10, 0.1, new[] { 5 }), (4, 0.5, new[] { 1, 3 }) })
        {
            var ranking = await fan.Recommend(new RecommendQuery { K = k, Exploration = share });
            Assert.Equal(k, ranking.Items.Length);
            Assert.Equal(expected, ranking.Items.Where(i => i.Reason == "new").Select(i => i.Rank));
            Assert.All(ranking.Items.Where(i => i.Reason == "new"), i => Assert.True(i.IsNew));
            Assert.Equal(Enumerable.Range(1, k), ranking.Items.Select(i => i.Rank));
            Assert.Equal(k, ranking.Items.Select(i => i.ItemId).Distinct().Count());
            Assert.Equal(expected, Exploration.Positions(k, expected.Length));
        }

        // Fewer new items than places: the rest stay organic. Six new items qualify for k = 10 at share 1.
        var all = await fan.Recommend(new RecommendQuery { K = 10, Exploration = 1 });
        Assert.Equal(6, all.Items.Count(i => i.Reason == "new"));
        Assert.Equal(10, all.Items.Length);

        // The request's rules hold in the exploration places: a category, an exclusion.
        var comedyOnly = await fan.Recommend(new RecommendQuery { K = 6, Exploration = 0.5, Category = "Comedy", Exclude = ["new-com2"] });
        Assert.Equal(["new-com1", "new-com3"], comedyOnly.Items.Where(i => i.Reason == "new").Select(i => i.ItemId).Order());
        Assert.All(comedyOnly.Items, i => Assert.Contains("Comedy", i.Categories));

        // Share 0 (the default): no exploration places.
        Assert.DoesNotContain((await fan.Recommend(new RecommendQuery { K = 10 })).Items, i => i.Reason == "new");
    }

    [Fact]
    public async Task An_item_with_events_is_no_longer_new_after_a_retraining_and_latest_lists_newest_first()
    {
        var latest = await Catalog.Latest(new RecommendQuery { K = 5, Category = "Drama" });
        Assert.Equal(["new-dra3", "new-dra2", "new-dra1"], latest.Take(3).Select(i => i.ItemId));
        Assert.All(latest.Take(3), i => Assert.True(i.IsNew));
        Assert.All(latest.Skip(3), i => Assert.False(i.IsNew));
        Assert.All(latest, i => Assert.Contains("Drama", i.Categories));

        for (var u = 0; u < 40; u += 2) await Grains.GetGrain<IUserGrain>($"bg-{u}").Record([Event("new-dra1")]);
        var status = await Grains.GetGrain<IModelGrain>(ModelGrain.Key).Retrain(wait: true, trigger: "test");
        await EverySilo(live => live.Current.Version == status.Version, "every silo installs the new model");

        latest = await Catalog.Latest(new RecommendQuery { K = 5, Category = "Drama" });
        Assert.False(latest.Single(i => i.ItemId == "new-dra1").IsNew);
        Assert.True(latest.Single(i => i.ItemId == "new-dra2").IsNew);
        var fan = await Fan("late-fan", Drama[..3]);
        var ranking = await fan.Recommend(new RecommendQuery { K = 10, Exploration = 1 });
        Assert.DoesNotContain(ranking.Items, i => i.ItemId == "new-dra1" && (i.IsNew || i.Reason == "new"));
        Assert.Contains(ranking.Items, i => i.ItemId == "new-dra2" && i.Reason == "new");
        // The untrained items keep a content vector in the new model's space (recomputed at install).
        await EverySilo(live => SlotVector(live, "new-dra2"), "untrained items start from content in the new version");
    }
}
