using Recommender.Grains.Domain;
using Recommender.Grains.Users;
using Recommender.Tests.Infrastructure;

namespace Recommender.Tests.Grains;

[Collection(ClusterCollection.Name)]
public sealed class UserGrainTests(ClusterFixture fixture)
{
    private static long _now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private static InteractionEvent Event(string item, EventType type, float value = 0, string? eventId = null) =>
        new() { ItemId = item, Type = type, Value = value, Timestamp = Interlocked.Increment(ref _now), EventId = eventId };

    private IUserGrain User() => fixture.Grains.GetGrain<IUserGrain>("user-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Counts_update_per_event_type()
    {
        var user = User();
        await user.Record([Event("a1", EventType.View), Event("a1", EventType.Like), Event("c1", EventType.View)]);
        await user.Record([Event("d1", EventType.Rating, 4)]);

        var profile = await user.GetProfile();

        Assert.NotNull(profile);
        Assert.Equal(4, profile.TotalEvents);
        Assert.Equal(2, profile.Counts["view"]);
        Assert.Equal(1, profile.Counts["like"]);
        Assert.Equal(1, profile.Counts["rating"]);
        Assert.Equal("d1", profile.Recent[0].ItemId);
    }

    [Fact]
    public async Task Recommendations_exclude_items_the_user_interacted_with()
    {
        var user = User();
        await user.Record([Event("a1", EventType.Like), Event("a2", EventType.View), Event("c3", EventType.Dislike)]);

        var ranking = await user.Recommend(new RecommendQuery { K = 18 });

        var ids = ranking.Items.Select(i => i.ItemId).ToArray();
        Assert.Equal(15, ids.Length);
        Assert.DoesNotContain("a1", ids);
        Assert.DoesNotContain("a2", ids);
        Assert.DoesNotContain("c3", ids);
        Assert.Equal("personal", ranking.Strategy);
    }

    [Fact]
    public async Task A_like_moves_its_category_up_and_a_dislike_pushes_it_down()
    {
        var user = User();
        await user.Record([Event("a1", EventType.Like), Event("c1", EventType.Like)]);
        var before = await user.Recommend(new RecommendQuery { K = 15 });

        await user.Record([Event("c2", EventType.Dislike), Event("c3", EventType.Dislike)]);
        var after = await user.Recommend(new RecommendQuery { K = 13 });

        double MeanRank(Ranking r, string[] category) => r.Items.Where(i => category.Contains(i.ItemId)).Average(i => i.Rank);
        Assert.True(MeanRank(after, ClusterFixture.Comedy) > MeanRank(before, ClusterFixture.Comedy),
            "comedy items should rank lower after two comedy dislikes");
        Assert.All(after.Items.Take(5), i => Assert.Contains(i.ItemId, ClusterFixture.Action));
        Assert.All(after.Items.TakeLast(4), i => Assert.DoesNotContain(i.ItemId, ClusterFixture.Action));
    }

    [Fact]
    public async Task A_repeated_event_id_is_applied_once()
    {
        var user = User();
        var first = await user.Record([Event("a1", EventType.Like, eventId: "e-1"), Event("a2", EventType.View, eventId: "e-2")]);
        var repeat = await user.Record([Event("a1", EventType.Like, eventId: "e-1")]);
        var sameBatch = await user.Record([Event("a3", EventType.View, eventId: "e-3"), Event("a3", EventType.View, eventId: "e-3")]);

        Assert.Equal(new RecordResult(2, 0), first);
        Assert.Equal(new RecordResult(0, 1), repeat);
        Assert.Equal(new RecordResult(1, 1), sameBatch);
        var profile = await user.GetProfile();
        Assert.Equal(1, profile!.Counts["like"]);
        Assert.Equal(3, profile.TotalEvents);
    }

    [Fact]
    public async Task The_reason_says_what_the_user_did_with_the_item_behind_it()
    {
        // A mere view is no "because you liked X" (issue #12): the wording follows the strongest evidence.
        var viewer = User();
        await viewer.Record([Event("c1", EventType.View)]);
        var viewed = (await viewer.Recommend(new RecommendQuery { K = 5 })).Items.Where(i => i.Reason?.StartsWith("because", StringComparison.Ordinal) == true).ToList();
        Assert.NotEmpty(viewed);
        Assert.All(viewed, i => Assert.Equal("because you viewed Title c1", i.Reason));

        var buyer = User();
        await buyer.Record([Event("c1", EventType.View), Event("c1", EventType.Purchase), Event("d1", EventType.Rating, 4)]);
        var reasons = (await buyer.Recommend(new RecommendQuery { K = 10 })).Items.ToDictionary(i => i.ItemId, i => i.Reason ?? "");
        Assert.Contains(reasons, r => r.Value == "because you bought Title c1");
        Assert.Contains(reasons, r => r.Value == "because you rated Title d1 4★");
        Assert.DoesNotContain(reasons, r => r.Value.Contains("liked", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_new_user_gets_popular_items_until_a_positive_event()
    {
        var user = User();
        var cold = await user.Recommend(new RecommendQuery { K = 5 });
        Assert.Equal("popular", cold.Strategy);
        Assert.Null(await user.GetProfile());

        await user.Record([Event("d1", EventType.Dislike)]);
        Assert.Equal("popular", (await user.Recommend(new RecommendQuery { K = 5 })).Strategy);

        await user.Record([Event("a1", EventType.Like)]);
        var warm = await user.Recommend(new RecommendQuery { K = 5 });
        Assert.Equal("personal", warm.Strategy);
        Assert.All(warm.Items, i => Assert.Contains(i.ItemId, ClusterFixture.Action));
        Assert.All(warm.Items, i => Assert.Equal("because you liked Title a1", i.Reason));
    }

    private sealed class NoObserver : Recommender.Grains.Live.IRankingObserver
    {
        public Task RankingChanged(Recommender.Grains.Live.RankingChange change) => Task.CompletedTask;
    }

    [Fact]
    public async Task Ranking_sequences_keep_growing_across_a_forget_and_a_reactivation()
    {
        var user = User();
        var observer = fixture.Grains.CreateObjectReference<Recommender.Grains.Live.IRankingObserver>(new NoObserver());
        await user.Record([Event("a1", EventType.Like), Event("a2", EventType.View), Event("a3", EventType.View)]);
        var before = (await user.Watch(observer, 5)).Sequence;

        await user.Forget();
        await user.Record([Event("c1", EventType.Like)]);
        var afterForget = (await user.Watch(observer, 5)).Sequence;

        // A new activation (from the snapshot written at deactivation, or the log) continues from there.
        await fixture.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        await user.Record([Event("c2", EventType.View)]);
        var afterReactivation = (await user.Watch(observer, 5)).Sequence;

        Assert.True(afterForget > before, $"after the forget {afterForget}, before {before}");
        Assert.True(afterReactivation > afterForget, $"after reactivation {afterReactivation}, before {afterForget}");
    }
}
