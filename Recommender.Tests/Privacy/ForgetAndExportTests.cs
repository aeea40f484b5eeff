using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Recommender.Grains.Storage;
using Recommender.Tests.Infrastructure;

namespace Recommender.Tests.Privacy;

/// <summary>
/// The right of access and the right to erasure: <c>GET /api/v1/users/{id}/export</c> returns
/// everything held about the user; after <c>DELETE /api/v1/users/{id}</c> nothing is left — no
/// profile, no export, no log, no contribution to item counters, and the next training does not
/// know the user.
/// </summary>
public sealed class ForgetAndExportTests(ForgetAndExportTests.PrivacyServer fixture) : IClassFixture<ForgetAndExportTests.PrivacyServer>
{
    private ApiServer Server => fixture.Server;
    private HttpClient Http => Server.HttpClient;

    private const string Subject = "privacy-subject";
    private static readonly string[] Items = [.. Enumerable.Range(1, 12).Select(i => $"pv{i}")];

    /// <summary>One Development server (no keys needed) with a small catalog and ten other users.</summary>
    public sealed class PrivacyServer : IAsyncLifetime
    {
        public ApiServer Server { get; private set; } = null!;
        private HttpClient Http => Server.HttpClient;

        public async Task InitializeAsync()
        {
            Server = await ApiServer.StartAsync(new Dictionary<string, string>
            {
                ["Model:DriftCheckPeriod"] = "01:00:00", // only the test retrains
                ["Model:Factors"] = "8",
            });
            var catalog = Items.Select((id, i) => new { itemId = id, title = $"Privacy item {i}", categories = new[] { i % 2 == 0 ? "Even" : "Odd" } });
            (await Http.PostAsJsonAsync("/api/v1/items", catalog)).EnsureSuccessStatusCode();
            // Other users, so the model has something to learn besides the subject.
            var others = Enumerable.Range(0, 10).SelectMany(u => Enumerable.Range(0, 5).Select(j => new
            {
                userId = $"pv-other-{u}",
                itemId = Items[(u + j * 2) % Items.Length],
                type = "like",
            }));
            (await Http.PostAsJsonAsync("/api/v1/events", others)).EnsureSuccessStatusCode();
        }

        public async Task DisposeAsync() => await Server.DisposeAsync();
    }

    private static readonly object[] SubjectEvents =
    [
        new { userId = Subject, itemId = "pv1", type = "view", eventId = "pv-e1", timestamp = "2024-05-01T10:00:00Z" },
        new { userId = Subject, itemId = "pv1", type = "like", eventId = "pv-e2", timestamp = "2024-05-01T10:01:00Z" },
        new { userId = Subject, itemId = "pv2", type = "rating", value = 4, eventId = "pv-e3", timestamp = "2024-05-01T10:02:00Z" },
        new { userId = Subject, itemId = "pv3", type = "dislike", eventId = "pv-e4", timestamp = "2024-05-01T10:03:00Z" },
        new { userId = Subject, itemId = "pv4", type = "purchase", eventId = "pv-e5", timestamp = "2024-05-01T10:04:00Z" },
    ];

    private async Task<JsonElement> ModelAsync() => await Http.GetFromJsonAsync<JsonElement>("/api/v1/model");

    private async Task<JsonElement> RetrainAsync()
    {
        var response = await Http.PostAsync("/api/v1/model/retrain?wait=true", null);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<Dictionary<string, int>> CountsAsync(string itemId)
    {
        var item = await Http.GetFromJsonAsync<JsonElement>($"/api/v1/items/{itemId}");
        return item.GetProperty("counts").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
    }

    [Fact]
    public async Task Export_holds_everything_and_forget_erases_it_everywhere()
    {
        (await Http.PostAsJsonAsync("/api/v1/events", SubjectEvents)).EnsureSuccessStatusCode();
        var trained = await RetrainAsync();
        var usersWithSubject = trained.GetProperty("users").GetInt32();
        var interactionsWithSubject = trained.GetProperty("interactions").GetInt64();
        Assert.True(usersWithSubject >= 11, $"the model knows the subject and the ten others: {usersWithSubject}");
        // One more event after the training, so the export also shows a fitted embedding.
        (await Http.PostAsJsonAsync("/api/v1/events", new { userId = Subject, itemId = "pv5", type = "click", eventId = "pv-e6", timestamp = "2024-05-01T10:05:00Z" })).EnsureSuccessStatusCode();
        await Http.GetAsync($"/api/v1/users/{Subject}/recommendations?k=3");

        // Access: everything.
        var export = await Http.GetFromJsonAsync<JsonElement>($"/api/v1/users/{Subject}/export");
        var profile = export.GetProperty("profile");
        Assert.Equal(Subject, profile.GetProperty("userId").GetString());
        Assert.Equal(6, profile.GetProperty("totalEvents").GetInt32());
        Assert.Equal(1, profile.GetProperty("counts").GetProperty("rating").GetInt32());
        var events = export.GetProperty("events").EnumerateArray().ToArray();
        Assert.Equal(["pv-e1", "pv-e2", "pv-e3", "pv-e4", "pv-e5", "pv-e6"], events.Select(e => e.GetProperty("eventId").GetString()));
        Assert.Equal(["view", "like", "rating", "dislike", "purchase", "click"], events.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal(4, events[2].GetProperty("value").GetSingle());
        Assert.Equal(DateTimeOffset.Parse("2024-05-01T10:02:00Z"), events[2].GetProperty("timestamp").GetDateTimeOffset());
        var items = export.GetProperty("items").EnumerateObject().Select(p => p.Name).Order().ToArray();
        Assert.Equal(["pv1", "pv2", "pv3", "pv4", "pv5"], items);
        Assert.True(export.GetProperty("items").GetProperty("pv3").GetProperty("negative").GetBoolean());
        Assert.Equal(8, export.GetProperty("embedding").GetArrayLength());
        Assert.NotEmpty(export.GetProperty("categoryWeights").EnumerateObject());
        Assert.Equal(JsonValueKind.Array, export.GetProperty("lastRanking").ValueKind);

        var before = new Dictionary<string, Dictionary<string, int>>();
        foreach (var id in new[] { "pv1", "pv2", "pv3", "pv4", "pv5" }) before[id] = await CountsAsync(id);

        // Erasure.
        var deleted = await Http.DeleteAsync($"/api/v1/users/{Subject}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync($"/api/v1/users/{Subject}/export")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync($"/api/v1/users/{Subject}")).StatusCode);
        var log = Server.Services.GetRequiredService<EventLog>();
        Assert.Empty(await log.ReadAsync(Subject));
        Assert.DoesNotContain(Subject, await log.UsersAsync().ToArrayAsync());

        // Item counters no longer count the subject's events (other users' events stay counted).
        var expectedDrop = new Dictionary<string, Dictionary<string, int>>
        {
            ["pv1"] = new() { ["view"] = 1, ["like"] = 1 },
            ["pv2"] = new() { ["rating"] = 1 },
            ["pv3"] = new() { ["dislike"] = 1 },
            ["pv4"] = new() { ["purchase"] = 1 },
            ["pv5"] = new() { ["click"] = 1 },
        };
        foreach (var (id, drops) in expectedDrop)
        {
            var after = await Eventually.Get(() => CountsAsync(id),
                c => drops.All(d => c[d.Key] == before[id][d.Key] - d.Value), because: $"{id}'s counters forget the subject");
            foreach (var type in after.Keys.Where(t => !drops.ContainsKey(t))) Assert.Equal(before[id][type], after[type]);
        }

        // The next training does not know the subject.
        var retrained = await RetrainAsync();
        Assert.Equal(usersWithSubject - 1, retrained.GetProperty("users").GetInt32());
        Assert.True(retrained.GetProperty("interactions").GetInt64() < interactionsWithSubject);
        Assert.Equal(retrained.GetProperty("version").GetInt64(), (await ModelAsync()).GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task A_forgotten_user_who_comes_back_starts_from_nothing()
    {
        const string user = "privacy-returning";
        (await Http.PostAsJsonAsync("/api/v1/events", new[]
        {
            new { userId = user, itemId = "pv6", type = "like", eventId = "r1" },
            new { userId = user, itemId = "pv7", type = "like", eventId = "r2" },
        })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync($"/api/v1/users/{user}")).StatusCode);
        // Deleting twice is fine (and so is deleting a user never seen).
        Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync($"/api/v1/users/{user}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync("/api/v1/users/privacy-never-seen")).StatusCode);

        // The same eventId is a new event now: the old one was forgotten with everything else.
        var ack = await (await Http.PostAsJsonAsync("/api/v1/events", new { userId = user, itemId = "pv8", type = "view", eventId = "r1" })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, ack.GetProperty("accepted").GetInt32());
        var export = await Http.GetFromJsonAsync<JsonElement>($"/api/v1/users/{user}/export");
        Assert.Equal(1, export.GetProperty("profile").GetProperty("totalEvents").GetInt32());
        Assert.Equal(["pv8"], export.GetProperty("items").EnumerateObject().Select(p => p.Name));
        Assert.Single(export.GetProperty("events").EnumerateArray());
    }

    [Theory]
    [InlineData("bad id")]
    [InlineData("a%2Fb")]
    [InlineData("%C3%A9")]
    public async Task Forget_and_export_refuse_an_invalid_id_with_400(string id)
    {
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.DeleteAsync($"/api/v1/users/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.GetAsync($"/api/v1/users/{id}/export")).StatusCode);
    }
}
