using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans;
using Recommender.Grains.Domain;
using Recommender.Grains.Users;
using Recommender.Silo.Hosting;
using Recommender.Silo.Storage;

namespace Recommender.Benchmarks;

/// <summary>
/// <c>memory [--users 200000] [--items 1000] [--lists 0]</c>: hosts a real silo in this process (embedded Garnet in a
/// temp folder, no demo catalog, the synthetic catalog of --items items and a k = 64 model), makes N
/// users active with one event each through <see cref="IUserGrain.Record"/>, forces full GCs and reports
/// (managed heap after − before) / N, then again after every activation was collected (what the
/// activations held, as opposed to what the store and item side keep) and the process RSS. With
/// <c>--lists n</c> each user then asks for n lists of 10 (<see cref="IUserGrain.Recommend"/>), as an
/// active user of a shop does: the served lists it remembers (next, attribution) count too.
/// </summary>
public static class MemoryProbe
{
    public static async Task<int> RunAsync(string[] args)
    {
        var users = Args.Int(args, "--users", 200_000);
        var items = Args.Int(args, "--items", 1_000);
        var withIds = Args.String(args, "--event-ids") != "false";
        var lists = Args.Int(args, "--lists", 0);
        var dataDir = Path.Combine(Path.GetTempPath(), $"reco-memory-{Environment.ProcessId}");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Development", Args = [] });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:DataDir"] = dataDir,
            ["Storage:SyncCommit"] = "false",
            // Snapshots written within the measurement, as every grain's would be eventually, so that
            // "after" and "after collecting activations" both hold the store's copy of each.
            ["Recommender:SnapshotInterval"] = "00:00:05",
            ["Recommender:SnapshotAfterEvents"] = "1",
            ["Recommender:SeedDemoCatalog"] = "false",
            ["Cluster:SiloPort"] = EmbeddedGarnet.FreeLoopbackPort().ToString(CultureInfo.InvariantCulture),
            ["Cluster:GatewayPort"] = EmbeddedGarnet.FreeLoopbackPort().ToString(CultureInfo.InvariantCulture),
            ["Bench:SyntheticItems"] = items.ToString(CultureInfo.InvariantCulture),
        });
        using var store = builder.AddRecommenderSilo(SiloClustering.Localhost);
        using var host = builder.Build();
        await host.StartAsync();
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        try
        {
            var run = Guid.NewGuid().ToString("N")[..6];
            // Warm-up: JIT, item grains, pools — none of it is per user.
            await Activate(grains, $"warm-{run}", 2_000, items, withIds, lists);
            await Task.Delay(TimeSpan.FromSeconds(6)); // let the debounced snapshot writes of the warm-up finish
            var before = Heap();
            var rssBefore = Rss();
            var clock = Stopwatch.StartNew();
            await Activate(grains, $"mem-{run}", users, items, withIds, lists);
            var seconds = clock.Elapsed.TotalSeconds;
            // Every grain's snapshot timer has fired once and its write landed (~10k writes/s here).
            await Task.Delay(TimeSpan.FromSeconds(Math.Max(7, users / 10_000.0)));
            var after = Heap();
            var rssAfter = Rss();
            var management = grains.GetGrain<IManagementGrain>(0);
            var activations = await management.GetTotalActivationCount();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
                silo in-process, embedded Garnet, synthetic catalog {items:N0} items, k = 64, {users:N0} users × 1 event (eventId {(withIds ? "set" : "not set")}) × {lists} lists of 10 in {seconds:0.0} s ({users / seconds:N0} users/s)
                managed heap: before {Mb(before)} MB, after {Mb(after)} MB; {activations:N0} activations
                per active user, everything (grain + store + item side): {(after - before) / (double)users:N0} B
                process RSS: before {Mb(rssBefore)} MB, after {Mb(rssAfter)} MB → {(rssAfter - rssBefore) / (double)users:N0} B per user
                """));

            // Deactivating a million grains outlasts one call's response timeout: ask, then wait for the count to fall.
            try { await management.ForceActivationCollection(TimeSpan.Zero); }
            catch (TimeoutException) { }
            var remaining = await management.GetTotalActivationCount();
            for (var waited = 0; remaining > activations / 100 && waited < 600; waited += 5)
            {
                await Task.Delay(TimeSpan.FromSeconds(5));
                remaining = await management.GetTotalActivationCount();
            }
            await Task.Delay(TimeSpan.FromSeconds(3));
            var collected = Heap();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
                activations after collection: {remaining:N0}; managed heap after collecting activations {Mb(collected)} MB
                per active user, held by activations (after − after collection): {(after - collected) / (double)users:N0} B
                """));
            Console.WriteLine();
            StateBreakdown.Print(withIds);
        }
        finally
        {
            await host.StopAsync();
            try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { }
        }
        return 0;
    }

    private static async Task Activate(IGrainFactory grains, string prefix, int users, int items, bool withIds, int lists)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await Parallel.ForAsync(0, users, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (u, _) =>
        {
            var e = new InteractionEvent
            {
                ItemId = $"syn-{(long)u * 7919 % items}",
                Type = EventType.Like,
                Timestamp = now,
                EventId = withIds ? $"{prefix}-{u}-0" : null,
            };
            var user = grains.GetGrain<IUserGrain>($"{prefix}-{u}");
            await user.Record([e]);
            for (var l = 0; l < lists; l++) await user.Recommend(new RecommendQuery { K = 10 });
        });
    }

    private static long Heap()
    {
        for (var i = 0; i < 3; i++) { GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true); GC.WaitForPendingFinalizers(); }
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static long Rss() { using var p = Process.GetCurrentProcess(); p.Refresh(); return p.WorkingSet64; }

    private static string Mb(long bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture);
}

/// <summary>The same user's state built outside Orleans, one component at a time, to see where the bytes go.</summary>
public static class StateBreakdown
{
    private const int N = 100_000;

    public static void Print(bool withIds)
    {
        Console.WriteLine($"UserState of a user with 1 event, measured over {N:N0} copies (bytes per user):");
        Console.WriteLine("| component | bytes |");
        Console.WriteLine("|---|---:|");
        Row("UserState object + Counts int[7] + empty collections (as allocated by new UserState())", i => new UserState());
        Row("Items: Dictionary<string, ItemAffinity> with 1 entry (+ key string shared with the catalog)", i =>
        {
            var d = new Dictionary<string, ItemAffinity>(StringComparer.Ordinal) { ["syn-1"] = default };
            return d;
        });
        Row("CategoryWeights: Dictionary<string, float> with 1 entry", i => new Dictionary<string, float>(StringComparer.OrdinalIgnoreCase) { ["syn-cat-1"] = 1f });
        Row("Embedding float[64]", i => new float[64]);
        // Recent events are no longer kept (the profile reads the log's tail).
        if (withIds)
        {
            Row("EventIds: List<EventIdStamp> with 1 hashed id", i => new List<EventIdStamp> { new() { Low = (ulong)i, At = i } });
        }
        Row("a served list: ServedLists + its array of one List struct (the 10 ids are the last ranking's array)", i =>
        {
            var lists = new Recommender.Grains.Impressions.ServedLists(8);
            lists.Open(new RecommendQuery { K = 10 }, new string[10], Group, i, pushed: false);
            return lists;
        });
        Row("LastRanking: string[10] (ids shared with the index)", i => new string[10]);
        Row("user id string (grain key, ~17 chars)", i => $"mem-abc123-{i}");
    }

    private static readonly Recommender.Grains.Impressions.ImpressionGroup Group = new("personal", 1, null, null);

    private static void Row(string name, Func<int, object> make)
    {
        var keep = new object[N];
        GC.Collect(2, GCCollectionMode.Forced, true, true);
        var before = GC.GetTotalMemory(true);
        for (var i = 0; i < N; i++) keep[i] = make(i);
        var after = GC.GetTotalMemory(true);
        GC.KeepAlive(keep);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {(after - before) / (double)N:0} |"));
    }
}
