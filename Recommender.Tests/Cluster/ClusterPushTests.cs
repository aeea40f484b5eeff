using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using Recommender.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Recommender.Tests.Cluster;

/// <summary>
/// Pushes cross processes: the API in cluster mode hosts no silo, so every watched user's grain
/// lives in another process (one of two silos); the push still reaches the browser's connection.
/// </summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class ClusterPushTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task A_push_arrives_when_the_users_grain_lives_on_another_silo()
    {
        await using var cluster = await ClusterProcesses.StartAsync(silos: 2, apis: 1);
        var api = cluster.Apis[0];
        using var http = new HttpClient { BaseAddress = api.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        await using var hub = new HubConnectionBuilder().WithUrl(new Uri(api.BaseAddress, "/hubs/recommendations")).Build();
        var pushes = Channel.CreateUnbounded<JsonElement>();
        hub.On<JsonElement>("rankingChanged", m => pushes.Writer.TryWrite(m));
        await hub.StartAsync();

        var users = Enumerable.Range(0, 8).Select(u => $"pushed{u}").ToArray();
        foreach (var user in users) await hub.InvokeAsync<JsonElement>("Watch", user, 5);
        foreach (var user in users)
        {
            using var response = await ClusterProcesses.PostAsync(http, new { userId = user, itemId = "shared-item", type = "like", eventId = $"{user}-e1" });
            response.EnsureSuccessStatusCode();
        }

        var received = new HashSet<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (received.Count < users.Length)
        {
            var push = await pushes.Reader.ReadAsync(timeout.Token);
            if (push.GetProperty("cause").ValueKind == JsonValueKind.Object) received.Add(push.GetProperty("userId").GetString()!);
        }

        var placement = await cluster.UsersBySiloAsync(users);
        output.WriteLine("placement: " + string.Join("; ", placement.Select(p => $"{p.Key}: {string.Join(",", p.Value.Order())}")));
        Assert.Equal(users.Length, received.Count);
        // Every user's grain is in a silo process, none in the web server's.
        Assert.Equal(users.Length, placement.Values.Sum(onSilo => onSilo.Count(users.Contains)));
    }
}
