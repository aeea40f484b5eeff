using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Recommender.Tests.Api;
using Recommender.Tests.Infrastructure;
using StackExchange.Redis;

namespace Recommender.Tests.Privacy;

/// <summary>
/// Erasure reaches the store's keys: after a forget nothing in the store names the user — not the
/// log, not an emptied grain-state record (<c>…/state/user/&lt;id&gt;/user</c>) — and forgetting an id
/// never seen writes nothing. The keys are listed with SCAN on the embedded Garnet.
/// </summary>
public sealed class ForgetLeavesNoKeysTests : IAsyncLifetime
{
    private ApiServer _server = null!;

    public async Task InitializeAsync() => _server = await ApiServer.StartAsync(new Dictionary<string, string>
    {
        // Write the user's snapshot (its grain state) right after its first event.
        ["Recommender:SnapshotAfterEvents"] = "1",
        ["Recommender:SnapshotInterval"] = "00:00:00.050",
        ["Model:DriftCheckPeriod"] = "01:00:00",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private string[] KeysNaming(string id)
    {
        var redis = _server.Services.GetRequiredService<IConnectionMultiplexer>();
        var store = redis.GetServer(redis.GetEndPoints()[0]);
        return [.. store.Keys(pattern: "*", pageSize: 1000).Select(k => (string)k!).Where(k => k.Split('/', ':').Contains(id, StringComparer.Ordinal))];
    }

    [Fact]
    public async Task A_forgotten_user_leaves_no_key_in_the_store()
    {
        var http = _server.HttpClient;
        var user = ApiTestKit.NewId("gone");
        await http.PostEventsAsync(new { userId = user, itemId = "keys-item", type = "like" });
        // The snapshot is written by a timer: wait until the grain-state key is there.
        var keys = await Eventually.Get(() => Task.FromResult(KeysNaming(user)), k => k.Any(key => key.Contains("/state/", StringComparison.Ordinal)));
        Assert.Contains(keys, k => k.Contains("/state/", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync($"/api/v1/users/{user}")).StatusCode);
        // The grain deactivates after the forget: give it the chance to write anything it would write.
        await Task.Delay(500);
        Assert.Empty(KeysNaming(user));
        await http.AssertUserUnknownAsync(user);
        Assert.Empty(KeysNaming(user));
    }

    [Fact]
    public async Task Forgetting_an_id_never_seen_writes_nothing()
    {
        var http = _server.HttpClient;
        var user = ApiTestKit.NewId("never");
        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync($"/api/v1/users/{user}")).StatusCode);
        await Task.Delay(500);
        Assert.Empty(KeysNaming(user));
        // And forgetting it twice changes nothing either.
        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync($"/api/v1/users/{user}")).StatusCode);
        Assert.Empty(KeysNaming(user));
    }
}
