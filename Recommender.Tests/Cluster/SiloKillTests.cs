using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Recommender.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Recommender.Tests.Cluster;

/// <summary>
/// Two silo processes, the API in cluster mode, concurrent clients streaming events: one silo is
/// SIGKILLed mid-stream. The service keeps answering (a few requests fail while the membership
/// changes; the clients resend them with the same event ids), no acknowledged event is lost, and
/// the dead silo's users come back on the survivor.
/// </summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class SiloKillTests(ITestOutputHelper output)
{
    private const int Users = 40;
    private const int EventsPerUser = 25;
    private const int Clients = 4;
    private const int BatchSize = 3;

    [SkippableFact]
    public async Task A_SIGKILLed_silo_loses_no_acknowledged_event_and_its_users_move_to_the_survivor()
    {
        await using var cluster = await ClusterProcesses.StartAsync(silos: 2, apis: 1);
        using var http = new HttpClient { BaseAddress = cluster.Apis[0].BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var users = Enumerable.Range(0, Users).Select(u => $"c{u}").ToArray();

        // Warm-up: one event per user activates every user; the placement spreads them over both silos.
        foreach (var chunk in users.Chunk(10))
            (await ClusterProcesses.PostAsync(http, chunk.Select(u => new { userId = u, itemId = "i0", type = "view", eventId = $"{u}-w" }).ToArray())).EnsureSuccessStatusCode();
        var placement = await cluster.UsersBySiloAsync(users);
        output.WriteLine("placement before the kill: " + string.Join("; ", placement.Select(p => $"{p.Key}: {p.Value.Count} users")));
        Assert.Equal(2, placement.Count);
        Assert.All(placement.Values, onSilo => Assert.NotEmpty(onSilo));
        Assert.Equal(Users, placement.Values.Sum(s => s.Count));

        var victim = cluster.Silos[1];
        var survivor = cluster.Silos[0];
        var victimUsers = placement[victim.Endpoint];

        // The stream: batches of 3 events for 3 different users, 4 concurrent clients, each batch
        // resent (same event ids) until acknowledged.
        var all = Enumerable.Range(0, Users * EventsPerUser)
            .Select(i => new { userId = users[i % Users], itemId = $"i{i % 37}", type = "view", eventId = $"{users[i % Users]}-{i}" })
            .ToArray();
        var acknowledged = new ConcurrentDictionary<string, long>(); // event id -> ms since start when acknowledged
        var failures = new ConcurrentBag<(long At, string What, long Ms)>();
        var clock = Stopwatch.StartNew();
        long killedAt = -1;
        var next = -1;
        var clients = Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var start = Interlocked.Add(ref next, BatchSize) - (BatchSize - 1);
                if (start >= all.Length) return;
                var batch = all.Skip(start).Take(BatchSize).ToArray();
                for (var attempt = 0; ; attempt++)
                {
                    Assert.True(attempt < 60, "a batch was never acknowledged");
                    var sent = clock.ElapsedMilliseconds;
                    try
                    {
                        var response = await ClusterProcesses.PostAsync(http, batch);
                        if (response.StatusCode == HttpStatusCode.OK)
                        {
                            foreach (var e in batch) acknowledged[e.eventId] = clock.ElapsedMilliseconds;
                            break;
                        }
                        failures.Add((sent, $"{(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType}", clock.ElapsedMilliseconds - sent));
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                    {
                        failures.Add((sent, e.GetType().Name, clock.ElapsedMilliseconds - sent));
                    }
                    await Task.Delay(200);
                }
                await Task.Delay(5); // a steady stream, not a flood
            }
        })).ToArray();

        await Eventually.Get(() => Task.FromResult(acknowledged.Count), n => n >= all.Length / 3, TimeSpan.FromSeconds(60), "a third of the stream acknowledged");
        killedAt = clock.ElapsedMilliseconds;
        await victim.KillAsync();
        await Task.WhenAll(clients);
        var finished = clock.ElapsedMilliseconds;

        // Every batch was eventually acknowledged: compare the logs with what was acknowledged.
        var exports = await ClusterProcesses.ExportsAsync(http, users);
        var exported = exports.Values.SelectMany(e => e.EventIds).ToList();
        var lost = acknowledged.Keys.Where(id => !exported.Contains(id)).ToArray();
        var duplicated = exported.GroupBy(id => id).Where(g => g.Count() > 1).Select(g => g.Key).ToArray();
        var victimUsersAfter = victimUsers.Where(u => acknowledged.Keys.Any(id => id.StartsWith(u + "-", StringComparison.Ordinal) && acknowledged[id] > killedAt)).ToArray();
        var firstAckOfVictimUser = acknowledged.Where(a => a.Value > killedAt && victimUsers.Contains(a.Key[..a.Key.IndexOf('-')])).Select(a => a.Value - killedAt).DefaultIfEmpty(-1).Min();
        var afterKill = failures.Where(f => f.At >= killedAt - 100).ToArray();
        var placementAfter = await cluster.UsersBySiloAsync(users);

        output.WriteLine($"events {all.Length + Users} sent (incl. {Users} warm-up), {acknowledged.Count + Users} acknowledged, {exported.Count} in the logs, lost {lost.Length}, duplicated {duplicated.Length}");
        output.WriteLine($"victim {victim.Name} had {victimUsers.Count} users; kill at {killedAt} ms, stream finished at {finished} ms");
        output.WriteLine($"failed requests: {failures.Count} ({afterKill.Length} after the kill): " +
                         string.Join(", ", failures.GroupBy(f => f.What).Select(g => $"{g.Key} x{g.Count()} (worst {g.Max(f => f.Ms)} ms)")));
        if (afterKill.Length > 0)
            output.WriteLine($"failures from +{afterKill.Min(f => f.At) - killedAt} ms to +{afterKill.Max(f => f.At + f.Ms) - killedAt} ms after the kill");
        output.WriteLine($"first acknowledged event of a dead silo's user: +{firstAckOfVictimUser} ms after the kill");
        output.WriteLine("placement after: " + string.Join("; ", placementAfter.Select(p => $"{p.Key}: {p.Value.Count} users")));

        foreach (var line in cluster.Apis[0].Output.Split('\n').Where(l => l.Contains("fail:") || l.Contains("warn:")).Take(10)) output.WriteLine("api: " + line);
        Assert.True(lost.Length == 0, $"{lost.Length} acknowledged events lost: {string.Join(", ", lost.Take(10))}\n{cluster.Logs()}");
        Assert.Empty(duplicated);
        Assert.Equal(all.Length + Users, exported.Count);
        Assert.All(exports, e => Assert.Equal(e.Value.EventIds.Length, e.Value.TotalEvents));
        Assert.True(victimUsersAfter.Length == victimUsers.Count, "every user of the dead silo took events after the kill");

        // The dead silo is gone from the membership; its users live on the survivor now.
        Assert.Equal([survivor.Endpoint], placementAfter.Keys);
        Assert.Superset(victimUsers, placementAfter[survivor.Endpoint]);
        Assert.True(survivor.Output.Length >= 0 && !survivor.HasExited);
    }
}
