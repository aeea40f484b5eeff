using System.Collections.Concurrent;
using System.Net;
using Recommender.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Recommender.Tests.Cluster;

/// <summary>
/// Two API nodes in front of the same two silos, both sending events for the same few users at
/// once: each user is one activation in the cluster, so no update is lost, none is applied twice,
/// and the debounced snapshots never conflict (Orleans' grain storage would raise
/// InconsistentStateException on a write with a stale ETag).
/// </summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class ConcurrentNodesTests(ITestOutputHelper output)
{
    private const int HotUsers = 4;
    private const int ClientsPerNode = 4;
    private const int EventsPerClient = 60;

    [SkippableFact]
    public async Task Two_API_nodes_writing_the_same_users_lose_no_update()
    {
        await using var cluster = await ClusterProcesses.StartAsync(silos: 2, apis: 2);
        var users = Enumerable.Range(0, HotUsers).Select(u => $"hot{u}").ToArray();
        var https = cluster.Apis.Select(a => new HttpClient { BaseAddress = a.BaseAddress, Timeout = TimeSpan.FromSeconds(30) }).ToArray();
        try
        {
            var acknowledged = new ConcurrentDictionary<string, string>(); // event id -> user
            var statuses = new ConcurrentBag<HttpStatusCode>();
            var clients = https.SelectMany((http, node) => Enumerable.Range(0, ClientsPerNode).Select(c => Task.Run(async () =>
            {
                for (var i = 0; i < EventsPerClient; i++)
                {
                    var user = users[(i + c) % HotUsers];
                    var id = $"n{node}-c{c}-{i}";
                    using var response = await ClusterProcesses.PostAsync(http, new { userId = user, itemId = $"i{(i * 7 + c) % 29}", type = i % 5 == 0 ? "like" : "view", eventId = id });
                    statuses.Add(response.StatusCode);
                    if (response.StatusCode == HttpStatusCode.OK) acknowledged[id] = user;
                }
            }))).ToArray();
            await Task.WhenAll(clients);

            var sent = https.Length * ClientsPerNode * EventsPerClient;
            output.WriteLine($"{sent} events sent through {https.Length} API nodes, {acknowledged.Count} acknowledged; statuses {string.Join(", ", statuses.GroupBy(s => s).Select(g => $"{(int)g.Key} x{g.Count()}"))}");
            Assert.Equal(sent, acknowledged.Count);

            // One activation per user in the whole cluster.
            var placement = await cluster.UsersBySiloAsync(users);
            output.WriteLine("placement: " + string.Join("; ", placement.Select(p => $"{p.Key}: {string.Join(",", p.Value.Order())}")));
            foreach (var user in users) Assert.Equal(1, placement.Values.Count(onSilo => onSilo.Contains(user)));

            await AssertTotals("while active", https[0]);
            await AssertTotals("read through the other node", https[1]);

            // Deactivate everything (snapshots are written on deactivation) and read again: snapshot + log replay agree.
            await cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
            await AssertTotals("after re-activation", https[1]);

            var conflicts = cluster.Silos.Sum(s => Count(s.Output, "InconsistentState")) + cluster.Apis.Sum(a => Count(a.Output, "InconsistentState"));
            var duplicates = cluster.Silos.Sum(s => Count(s.Output, "uplicate activation"));
            output.WriteLine($"ETag conflicts (InconsistentStateException) in the logs: {conflicts}; duplicate-activation messages: {duplicates}");
            Assert.Equal(0, conflicts);

            async Task AssertTotals(string when, HttpClient http)
            {
                var exports = await ClusterProcesses.ExportsAsync(http, users);
                foreach (var user in users)
                {
                    var expected = acknowledged.Where(a => a.Value == user).Select(a => a.Key).Order().ToArray();
                    var (ids, total) = exports[user];
                    output.WriteLine($"{when}: {user} acknowledged {expected.Length}, log {ids.Length}, totalEvents {total}");
                    Assert.Equal(expected, ids.Order().ToArray());
                    Assert.Equal(expected.Length, total);
                }
            }
        }
        finally
        {
            foreach (var http in https) http.Dispose();
        }
    }

    private static int Count(string text, string what)
    {
        var n = 0;
        for (var i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal)) n++;
        return n;
    }
}
