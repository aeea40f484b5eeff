using System.Diagnostics;
using Recommender.Silo.Storage;
using StackExchange.Redis;

namespace Recommender.Benchmarks;

/// <summary>
/// How fast an embedded Garnet takes event-log appends in one process, durable before the
/// acknowledgement as the event log needs them: RPUSH then an awaited shared commit (what
/// <c>EventLog</c> does), against Garnet holding each reply until its own commit
/// (<c>WaitForCommit</c>, the former default) and against no commit wait at all (the ceiling).
/// 3 s per variant, alternating, twice.
/// </summary>
public static class AppendProbe
{
    public static async Task<int> RunAsync()
    {
        using var shared = new Store(new StorageOptions());
        using var perReply = new Store(new StorageOptions { GarnetWaitsForCommit = true });
        using var none = new Store(new StorageOptions { SyncCommit = false });

        Console.WriteLine("| appends in flight | events per append | RPUSH + shared commit ev/s | RPUSH, Garnet waits per reply ev/s | RPUSH, no commit wait ev/s |\n|---:|---:|---:|---:|---:|");
        foreach (var (inFlight, perAppend) in new[] { (8, 1), (64, 1), (64, 2), (256, 4) })
        {
            double a = 0, b = 0, c = 0;
            for (var rep = 0; rep < 2; rep++)
            {
                a += await Rate(inFlight, perAppend, shared.PushAndCommit);
                b += await Rate(inFlight, perAppend, perReply.Push);
                c += await Rate(inFlight, perAppend, none.Push);
            }
            Console.WriteLine($"| {inFlight} | {perAppend} | {a / 2:F0} | {b / 2:F0} | {c / 2:F0} |");
        }
        return 0;
    }

    private sealed class Store : IDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("reco-append-").FullName;
        private readonly EmbeddedGarnet _garnet;
        private readonly ConnectionMultiplexer _mux;

        public Store(StorageOptions options)
        {
            options.DataDir = _dir;
            _garnet = new EmbeddedGarnet(options).Start();
            _mux = ConnectionMultiplexer.Connect(_garnet.ConnectionString);
        }

        public Task Push(string user, RedisValue[] values) => _mux.GetDatabase().ListRightPushAsync("log:" + user, values);

        public async Task PushAndCommit(string user, RedisValue[] values)
        {
            await Push(user, values);
            await _garnet.WaitForCommitAsync();
        }

        public void Dispose()
        {
            _mux.Dispose();
            _garnet.Dispose();
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static async Task<double> Rate(int inFlight, int perAppend, Func<string, RedisValue[], Task> append)
    {
        long total = 0;
        var clock = Stopwatch.StartNew();
        await Parallel.ForAsync(0, inFlight, async (worker, _) =>
        {
            for (var i = 0; clock.Elapsed < TimeSpan.FromSeconds(3); i++)
            {
                var values = new RedisValue[perAppend];
                for (var j = 0; j < perAppend; j++) values[j] = $"1700000000000|0|item-{j}|0|ev-{worker}-{i}-{j}";
                await append($"u{worker}-{i % 200}", values);
                Interlocked.Add(ref total, perAppend);
            }
        });
        return total / clock.Elapsed.TotalSeconds;
    }
}
