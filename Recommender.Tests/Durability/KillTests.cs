using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Recommender.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Recommender.Tests.Durability;

/// <summary>An acknowledged event is never lost, even when the process dies without a clean shutdown.</summary>
public sealed class KillTests(ITestOutputHelper output)
{
    private const int Users = 20;
    private const int EventsPerUser = 30;

    [Fact]
    public async Task Every_acknowledged_event_survives_a_SIGKILL_of_the_server()
    {
        using var data = new TempDirectory();
        await using var server = new ApiProcess(data.Path);
        await server.StartAsync();
        using var http = server.CreateClient();

        // A stream of single events and small batches from 4 concurrent clients, killed part way.
        var all = Enumerable.Range(0, Users * EventsPerUser)
            .Select(i => new { userId = $"k{i % Users}", itemId = $"i{i % 37}", type = "view", eventId = $"ev-{i}" })
            .ToArray();
        var acknowledged = new ConcurrentBag<string>();
        var next = -1;
        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var start = Interlocked.Add(ref next, 3) - 2;
                if (start >= all.Length) return;
                var batch = all.Skip(start).Take(3).ToArray();
                try
                {
                    var response = await http.PostAsJsonAsync("/api/v1/events", batch, stop.Token);
                    if (response.StatusCode == HttpStatusCode.OK)
                        foreach (var e in batch) acknowledged.Add(e.eventId);
                }
                catch (Exception) when (stop.IsCancellationRequested || true) { return; }
            }
        })).ToArray();

        await Eventually.Get(() => Task.FromResult(acknowledged.Count), n => n >= all.Length / 3, TimeSpan.FromSeconds(60), "a third of the stream acknowledged");
        await server.KillAsync();
        stop.Cancel();
        await Task.WhenAll(clients);
        Assert.True(acknowledged.Count < all.Length, "the kill should land mid-stream");

        await server.StartAsync();
        var exported = new HashSet<string>();
        for (var u = 0; u < Users; u++)
        {
            var response = await http.GetAsync($"/api/v1/users/k{u}/export");
            if (response.StatusCode == HttpStatusCode.NotFound) continue;
            response.EnsureSuccessStatusCode();
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            foreach (var e in doc.RootElement.GetProperty("events").EnumerateArray()) exported.Add(e.GetProperty("eventId").GetString()!);
            var total = doc.RootElement.GetProperty("profile").GetProperty("totalEvents").GetInt32();
            Assert.Equal(doc.RootElement.GetProperty("events").GetArrayLength(), total);
        }
        var lost = acknowledged.Where(id => !exported.Contains(id)).ToArray();
        output.WriteLine($"sent {all.Length}, acknowledged before the kill {acknowledged.Count}, in the logs after restart {exported.Count}, lost {lost.Length}");
        Assert.True(lost.Length == 0, $"{lost.Length} of {acknowledged.Count} acknowledged events were lost: {string.Join(", ", lost.Take(10))}");

        // The client retries everything with the same event ids: nothing is counted twice.
        var retry = await http.PostAsJsonAsync("/api/v1/events", all);
        retry.EnsureSuccessStatusCode();
        var profileTotals = 0;
        for (var u = 0; u < Users; u++)
        {
            var profile = await http.GetFromJsonAsync<JsonElement>($"/api/v1/users/k{u}");
            profileTotals += profile.GetProperty("totalEvents").GetInt32();
        }
        Assert.Equal(all.Length, profileTotals);
    }
}
