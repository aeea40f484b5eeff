using System.Net;
using System.Net.Http.Json;
using Recommender.Tests.Infrastructure;

namespace Recommender.Tests.Api;

/// <summary>Events in, acknowledgements out: batches, idempotency by eventId, the profile they build, forgetting.</summary>
[Collection(ApiServerCollection.Name)]
public sealed class EventIngestTests(ApiServerFixture fixture)
{
    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task A_batch_of_1000_events_is_acknowledged_and_a_resend_is_all_duplicates()
    {
        var prefix = ApiTestKit.NewId("bulk");
        string[] types = ["view", "click", "like", "dislike", "share", "purchase", "rating"];
        var events = Enumerable.Range(0, 1000).Select(i => new
        {
            userId = $"{prefix}-u{i % 25}",
            itemId = $"{prefix}-i{i % 40}",
            type = types[i % types.Length],
            value = types[i % types.Length] == "rating" ? (double?)(1 + i % 5) : null,
            eventId = $"{prefix}-e{i}",
        }).ToArray();

        var first = await Http.PostEventsAsync(events);
        Assert.Equal(1000, first.GetProperty("accepted").GetInt32());
        Assert.Equal(0, first.GetProperty("duplicates").GetInt32());

        var again = await Http.PostEventsAsync(events);
        Assert.Equal(0, again.GetProperty("accepted").GetInt32());
        Assert.Equal(1000, again.GetProperty("duplicates").GetInt32());

        var total = 0;
        for (var u = 0; u < 25; u++)
            total += (await Http.GetOkJsonAsync($"/api/v1/users/{prefix}-u{u}")).GetProperty("totalEvents").GetInt32();
        Assert.Equal(1000, total);
    }

    [Fact]
    public async Task A_repeated_eventId_is_acknowledged_as_a_duplicate_and_not_applied_again()
    {
        var user = ApiTestKit.NewId("u");
        var item = ApiTestKit.NewId("i");
        var like = new { userId = user, itemId = item, type = "like", eventId = "like-1" };

        var first = await Http.PostEventsAsync(like);
        var repeat = await Http.PostEventsAsync(like);
        var sameBatch = await Http.PostEventsAsync(new[]
        {
            new { userId = user, itemId = item, type = "view", eventId = "view-1" },
            new { userId = user, itemId = item, type = "view", eventId = "view-1" },
            new { userId = user, itemId = item, type = "like", eventId = "like-1" },
        });

        Assert.Equal((1, 0), (first.GetProperty("accepted").GetInt32(), first.GetProperty("duplicates").GetInt32()));
        Assert.Equal((0, 1), (repeat.GetProperty("accepted").GetInt32(), repeat.GetProperty("duplicates").GetInt32()));
        Assert.Equal((1, 2), (sameBatch.GetProperty("accepted").GetInt32(), sameBatch.GetProperty("duplicates").GetInt32()));
        var profile = await Http.GetOkJsonAsync($"/api/v1/users/{user}");
        Assert.Equal(2, profile.GetProperty("totalEvents").GetInt32());
        Assert.Equal(1, profile.GetProperty("counts").GetProperty("like").GetInt32());
        Assert.Equal(1, profile.GetProperty("counts").GetProperty("view").GetInt32());
        await Eventually.Get(async () => (await Http.GetOkJsonAsync($"/api/v1/items/{item}")).GetProperty("counts").GetProperty("like").GetInt32(),
            n => n == 1, because: "the item counts the like once");
    }

    [Fact]
    public async Task The_same_eventId_for_two_users_is_two_events()
    {
        var (a, b) = (ApiTestKit.NewId("u"), ApiTestKit.NewId("u"));
        var ack = await Http.PostEventsAsync(new[]
        {
            new { userId = a, itemId = "shared-item", type = "view", eventId = "same" },
            new { userId = b, itemId = "shared-item", type = "view", eventId = "same" },
        });
        Assert.Equal(2, ack.GetProperty("accepted").GetInt32());
    }

    [Fact]
    public async Task The_profile_counts_each_event_type_and_lists_recent_events_newest_first()
    {
        var user = ApiTestKit.NewId("u");
        var (a, b, c) = (ApiTestKit.NewId("i"), ApiTestKit.NewId("i"), ApiTestKit.NewId("i"));
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-10);

        await Http.PostEventsAsync(new object[]
        {
            new { userId = user, itemId = a, type = "view", timestamp = t0.ToString("O") },
            new { userId = user, itemId = a, type = "like", timestamp = t0.AddMinutes(1).ToString("O") },
            new { userId = user, itemId = b, type = "view", timestamp = t0.AddMinutes(2).ToString("O") },
        });
        await Http.PostEventsAsync(new { userId = user, itemId = c, type = "rating", value = 4, timestamp = t0.AddMinutes(3).ToString("O") });
        await Http.PostEventsAsync(new { userId = user, itemId = c, type = "purchase", timestamp = t0.AddMinutes(4).ToString("O") });

        var profile = await Http.GetOkJsonAsync($"/api/v1/users/{user}");

        Assert.Equal(user, profile.GetProperty("userId").GetString());
        Assert.Equal(5, profile.GetProperty("totalEvents").GetInt32());
        var counts = profile.GetProperty("counts");
        Assert.Equal(2, counts.GetProperty("view").GetInt32());
        Assert.Equal(1, counts.GetProperty("like").GetInt32());
        Assert.Equal(1, counts.GetProperty("rating").GetInt32());
        Assert.Equal(1, counts.GetProperty("purchase").GetInt32());
        var recent = profile.GetProperty("recent").EnumerateArray().ToArray();
        Assert.Equal(5, recent.Length);
        Assert.Equal(c, recent[0].GetProperty("itemId").GetString());
        Assert.Equal("purchase", recent[0].GetProperty("type").GetString());
        Assert.Equal(4, recent[1].GetProperty("value").GetDouble());
        Assert.Equal(t0.ToUnixTimeMilliseconds(), profile.GetProperty("firstSeen").GetDateTimeOffset().ToUnixTimeMilliseconds());
        Assert.Equal(t0.AddMinutes(4).ToUnixTimeMilliseconds(), profile.GetProperty("lastSeen").GetDateTimeOffset().ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task A_forgotten_user_has_no_profile_and_no_export()
    {
        var user = ApiTestKit.NewId("u");
        var item = ApiTestKit.NewId("i");
        await Http.PostEventsAsync(new { userId = user, itemId = item, type = "like", eventId = "e1" });
        await Http.GetOkJsonAsync($"/api/v1/users/{user}");
        await Http.GetOkJsonAsync($"/api/v1/users/{user}/export");

        var deleted = await Http.DeleteAsync($"/api/v1/users/{user}");

        Assert.True(deleted.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.OK, $"DELETE answered {(int)deleted.StatusCode}");
        await Http.AssertStatusAsync($"/api/v1/users/{user}", HttpStatusCode.NotFound);
        await Http.AssertStatusAsync($"/api/v1/users/{user}/export", HttpStatusCode.NotFound);
        var problem = await (await Http.GetAsync($"/api/v1/users/{user}")).ReadJsonAsync();
        Assert.Equal(404, problem.GetProperty("status").GetInt32());

        // Forgetting is complete: the old eventId is not remembered either, so the same event counts again.
        var again = await Http.PostEventsAsync(new { userId = user, itemId = item, type = "like", eventId = "e1" });
        Assert.Equal(1, again.GetProperty("accepted").GetInt32());
        Assert.Equal(1, (await Http.GetOkJsonAsync($"/api/v1/users/{user}")).GetProperty("totalEvents").GetInt32());
    }

    /// <summary>Forgetting also takes back the user's contribution to the items' counters (IUserGrain.Forget).</summary>
    [Fact]
    public async Task Forgetting_a_user_takes_back_their_item_counts()
    {
        var (user, other) = (ApiTestKit.NewId("u"), ApiTestKit.NewId("u"));
        var item = ApiTestKit.NewId("i");
        await Http.PostEventsAsync(new[]
        {
            new { userId = user, itemId = item, type = "like" },
            new { userId = user, itemId = item, type = "view" },
            new { userId = other, itemId = item, type = "view" },
        });
        await Eventually.Get(() => Http.GetOkJsonAsync($"/api/v1/items/{item}"),
            i => i.GetProperty("counts").GetProperty("view").GetInt32() == 2, because: "both views counted");

        (await Http.DeleteAsync($"/api/v1/users/{user}")).EnsureSuccessStatusCode();

        var after = await Eventually.Get(() => Http.GetOkJsonAsync($"/api/v1/items/{item}"),
            i => i.GetProperty("counts").GetProperty("like").GetInt32() == 0, because: "the forgotten user's like is taken back");
        Assert.Equal(1, after.GetProperty("counts").GetProperty("view").GetInt32());
    }

    [Fact]
    public async Task Forgetting_an_unknown_user_is_not_an_error_and_an_invalid_user_id_is_refused()
    {
        var unknown = await Http.DeleteAsync($"/api/v1/users/{ApiTestKit.NewId("nobody")}");
        Assert.True(unknown.IsSuccessStatusCode, $"DELETE of an unknown user answered {(int)unknown.StatusCode}");

        await (await Http.DeleteAsync("/api/v1/users/" + Uri.EscapeDataString("a b"))).AssertValidationProblemAsync("userId");
        await (await Http.GetAsync("/api/v1/users/" + Uri.EscapeDataString("a b"))).AssertValidationProblemAsync("userId");
        await (await Http.GetAsync("/api/v1/users/" + new string('x', 129) + "/export")).AssertValidationProblemAsync("userId");
    }

    [Fact]
    public async Task The_export_holds_every_event_of_the_user()
    {
        var user = ApiTestKit.NewId("u");
        var events = Enumerable.Range(0, 30).Select(i => new { userId = user, itemId = $"x{i % 7}", type = "view", eventId = $"e{i}" }).ToArray();
        await Http.PostEventsAsync(events);

        var export = await Http.GetOkJsonAsync($"/api/v1/users/{user}/export");

        Assert.Equal(30, export.GetProperty("profile").GetProperty("totalEvents").GetInt32());
        var ids = export.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("eventId").GetString()!).ToHashSet();
        Assert.Equal(events.Select(e => e.eventId).ToHashSet(), ids);
    }
}
