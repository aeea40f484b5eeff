using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Recommender.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Recommender.Tests.Cluster;

/// <summary>
/// Catalogue changes reach every silo's rankings: two silo processes, one API, a real redis-server,
/// an ingest load running, and 1,000 changes (hide, show, a property moving an item out of and back
/// into a filter, delete, put back). After each change's answer, a user on each silo asks for
/// recommendations until the change shows; the time from the answer is the visibility latency.
/// A delete or a hide must show at the first request after its answer (it answers only once every
/// silo's index has it); everything must show within 200 ms at the 99th percentile.
/// </summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class CatalogVisibilityTests(ITestOutputHelper output)
{
    private const int Items = 60;
    private const int Changes = 1_000;

    [SkippableFact]
    public async Task Deletes_hides_and_property_changes_show_on_every_silo_within_200_ms_during_ingest()
    {
        await using var cluster = await ClusterProcesses.StartAsync(silos: 2, apis: 1);
        using var http = new HttpClient { BaseAddress = cluster.Apis[0].BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var category = "vis";
        var items = Enumerable.Range(0, Items).Select(i => $"vis-{i}").ToArray();
        (await http.PostAsJsonAsync("/api/v1/items", items.Select(id => Item(id, price: 10)).ToArray())).EnsureSuccessStatusCode();

        // Users on both silos, each personal (one like outside the category).
        // Placement may favour one silo for a while (it weighs their load): add users until both have one.
        var candidates = new List<string>();
        Dictionary<string, HashSet<string>> placement = [];
        for (var round = 0; round < 40 && placement.Count(p => p.Value.Count > 0) < 2; round++)
        {
            // A silo that joined last may not take activations at first (CI once saw 160 users on one silo).
            if (round > 0) await Task.Delay(TimeSpan.FromSeconds(1));
            var batch = Enumerable.Range(candidates.Count, 16).Select(u => $"vis-user{u}").ToArray();
            candidates.AddRange(batch);
            await Task.WhenAll(batch.Select(async user =>
                (await ClusterProcesses.PostAsync(http, new { userId = user, itemId = "vis-anchor", type = "like", eventId = $"{user}-e" })).EnsureSuccessStatusCode()));
            placement = await cluster.UsersBySiloAsync(candidates);
        }
        output.WriteLine("placement: " + string.Join("; ", placement.Select(p => $"{p.Key}: {p.Value.Count}")));
        Assert.Equal(2, placement.Count(p => p.Value.Count > 0));
        var watchers = placement.Where(p => p.Value.Count > 0).Select(p => (Silo: p.Key, User: p.Value.Order().First())).ToArray();
        output.WriteLine("users asked: " + string.Join(", ", watchers.Select(w => $"{w.User} on {w.Silo}")));
        var filter = Uri.EscapeDataString($"categories = '{category}' AND price < 50");
        foreach (var (_, user) in watchers)
            await Eventually.Get(() => Listed(http, user, filter), l => l.Count == Items, because: "every item is listed on both silos before the changes");

        using var stop = new CancellationTokenSource();
        var ingested = 0;
        var ingest = Enumerable.Range(0, 2).Select(c => Task.Run(async () =>
        {
            var random = new Random(c);
            while (!stop.IsCancellationRequested)
            {
                using var response = await ClusterProcesses.PostAsync(http, new { userId = $"vis-load{random.Next(200)}", itemId = $"vis-load-item{random.Next(500)}", type = "view" });
                if (response.IsSuccessStatusCode) Interlocked.Increment(ref ingested);
            }
        })).ToArray();

        var latencies = new List<double>();
        var late = new List<string>();
        var withdrawnButServed = 0;
        var cycle = new (string Name, Func<string, Task<HttpResponseMessage>> Send, bool Listed)[]
        {
            ("hide", id => Patch(http, id, """{"hidden":true}"""), false),
            ("show", id => Patch(http, id, """{"hidden":false}"""), true),
            ("price 90", id => Patch(http, id, """{"properties":{"price":90}}"""), false),
            ("price 10", id => Patch(http, id, """{"properties":{"price":10}}"""), true),
            ("delete", id => http.DeleteAsync($"/api/v1/items/{id}"), false),
            ("put back", id => http.PutAsJsonAsync($"/api/v1/items/{id}", Item(id, price: 10)), true),
        };
        for (var change = 0; change < Changes; change++)
        {
            var item = items[change % Items];
            var step = cycle[change / Items % cycle.Length];
            using (var answer = await step.Send(item)) answer.EnsureSuccessStatusCode();
            var answered = Stopwatch.GetTimestamp();
            foreach (var (silo, user) in watchers)
            {
                for (var poll = 0; ; poll++)
                {
                    var listed = (await Listed(http, user, filter)).Contains(item);
                    if (listed == step.Listed) break;
                    if (poll == 0 && step.Name is "hide" or "delete") withdrawnButServed++;
                    if (Stopwatch.GetElapsedTime(answered) > TimeSpan.FromSeconds(5)) { late.Add($"{step.Name} {item} on {silo}"); break; }
                }
                latencies.Add(Stopwatch.GetElapsedTime(answered).TotalMilliseconds);
            }
        }
        await stop.CancelAsync();
        await Task.WhenAll(ingest);

        latencies.Sort();
        double At(double q) => latencies[(int)Math.Min(latencies.Count - 1, Math.Ceiling(q * latencies.Count) - 1)];
        output.WriteLine($"{Changes} changes × {watchers.Length} silos during {ingested} ingested events: visible after p50 {At(0.5):0.0} ms, p99 {At(0.99):0.0} ms, max {latencies[^1]:0.0} ms (from the change's answer to the first ranking showing it, that ranking's own request time included)");
        output.WriteLine($"hidden or deleted items served by the first ranking after the answer: {withdrawnButServed}; changes not visible within 5 s: {late.Count}");
        Assert.Empty(late);
        Assert.Equal(0, withdrawnButServed);
        Assert.True(At(0.99) <= 200, $"p99 {At(0.99):0.0} ms > 200 ms");
        Assert.True(ingested > 0, "the ingest load ran");

        // Afterwards: nothing withdrawn is served anywhere (the last steps left some items hidden or deleted).
        foreach (var (_, user) in watchers)
        {
            var everything = await Listed(http, user, Uri.EscapeDataString($"categories = '{category}'"));
            var popular = (await http.GetFromJsonAsync<JsonElement>($"/api/v1/popular?k=1000&category={category}")).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("itemId").GetString()!);
            foreach (var item in items)
            {
                var state = await http.GetAsync($"/api/v1/items/{item}");
                var body = await state.Content.ReadFromJsonAsync<JsonElement>();
                var servable = state.IsSuccessStatusCode && body.GetProperty("available").GetBoolean();
                Assert.Equal(servable, everything.Contains(item));
                if (!servable) Assert.DoesNotContain(item, popular);
            }
        }
    }

    private static object Item(string id, double price) => new { itemId = id, title = id, categories = new[] { "vis" }, properties = new { price } };

    private static Task<HttpResponseMessage> Patch(HttpClient http, string id, string body) =>
        http.PatchAsync($"/api/v1/items/{id}", new StringContent(body, System.Text.Encoding.UTF8, "application/merge-patch+json"));

    private static async Task<HashSet<string>> Listed(HttpClient http, string user, string filter)
    {
        var ranking = await http.GetFromJsonAsync<JsonElement>($"/api/v1/users/{user}/recommendations?k=100&explain=false&filter={filter}");
        return ranking.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("itemId").GetString()!).ToHashSet();
    }
}
