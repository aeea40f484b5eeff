using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;
using Recommender.Tests.Infrastructure;

namespace Recommender.Tests.Api;

/// <summary>
/// "An eventId makes a retry safe" for any request the API accepts: a user remembers every id of
/// the last 24 hours (at least the last 1,000, at most 100,000), so a resend of the largest batch,
/// or of a whole stream after a restart, applies nothing twice; past the window an id is new again.
/// </summary>
[Collection(ApiServerCollection.Name)]
public sealed class IdempotencyWindowTests(ApiServerFixture fixture)
{
    private HttpClient Http => fixture.Http;

    private static object[] Events(string user, int from, int count) =>
        [.. Enumerable.Range(from, count).Select(i => new { userId = user, itemId = $"w-i{i % 300}", type = "view", eventId = $"{user}-e{i}" })];

    [Fact]
    public async Task A_resend_of_the_largest_batch_is_all_duplicates()
    {
        var user = ApiTestKit.NewId("window");
        var batch = Events(user, 0, 10_000); // JsonBatch.MaxSize

        var first = await Http.PostEventsAsync(batch);
        var again = await Http.PostEventsAsync(batch);

        Assert.Equal((10_000, 0), (first.GetProperty("accepted").GetInt32(), first.GetProperty("duplicates").GetInt32()));
        Assert.Equal((0, 10_000), (again.GetProperty("accepted").GetInt32(), again.GetProperty("duplicates").GetInt32()));
        Assert.Equal(10_000, (await Http.GetOkJsonAsync($"/api/v1/users/{user}")).GetProperty("totalEvents").GetInt32());
    }

    [Fact]
    public async Task A_stream_resent_after_reactivation_counts_nothing_twice()
    {
        var user = ApiTestKit.NewId("window");
        for (var b = 0; b < 12; b++) await Http.PostEventsAsync(Events(user, b * 1_000, 1_000));

        // The grain writes its snapshot (with the window) on deactivation and reads it back on activation.
        var grains = fixture.Server.Services.GetRequiredService<IGrainFactory>();
        await grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        var duplicates = 0;
        duplicates += (await Http.PostEventsAsync(Events(user, 0, 10_000))).GetProperty("duplicates").GetInt32();
        duplicates += (await Http.PostEventsAsync(Events(user, 10_000, 2_000))).GetProperty("duplicates").GetInt32();

        Assert.Equal(12_000, duplicates);
        Assert.Equal(12_000, (await Http.GetOkJsonAsync($"/api/v1/users/{user}")).GetProperty("totalEvents").GetInt32());
    }

    [Fact]
    public async Task Past_the_window_an_id_counts_again_and_the_count_bounds_hold()
    {
        await using var server = await ApiServer.StartAsync(new Dictionary<string, string>
        {
            ["Recommender:IdempotencyWindow"] = "00:00:01",
            ["Recommender:IdempotencyMinimumIds"] = "10",
            ["Recommender:IdempotencyMaximumIds"] = "100",
        });
        var http = server.HttpClient;

        // Inside the age limit, the count bound: of 150 ids only the newest 100 are remembered.
        var crowded = ApiTestKit.NewId("crowded");
        await http.PostEventsAsync(Events(crowded, 0, 150));
        var resent = await http.PostEventsAsync(Events(crowded, 0, 150));
        Assert.Equal((50, 100), (resent.GetProperty("accepted").GetInt32(), resent.GetProperty("duplicates").GetInt32()));

        // Past the age limit: at the next call all but the newest 10 ids (that call's own among them) are forgotten.
        var quiet = ApiTestKit.NewId("quiet");
        await http.PostEventsAsync(Events(quiet, 0, 30));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await http.PostEventsAsync(Events(quiet, 30, 1));
        var late = await http.PostEventsAsync(Events(quiet, 0, 31));
        Assert.Equal((21, 10), (late.GetProperty("accepted").GetInt32(), late.GetProperty("duplicates").GetInt32()));
    }
}
