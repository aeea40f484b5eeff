using System.Diagnostics;
using Recommender.Silo.Storage;
using StackExchange.Redis;

namespace Recommender.Benchmarks;

/// <summary>
/// How fast an embedded Garnet (AOF committed before each reply) takes event-log appends in one
/// process: a plain RPUSH, a pipelined batch of RPUSH + SADD + INCRBY (what the log once sent),
/// and a Lua script doing the same in one command. 3 s per variant, alternating, twice.
/// </summary>
public static class AppendProbe
{
    private const string Script = """
        local n = 0
        for i = 3, #ARGV, 500 do n = redis.call('RPUSH', KEYS[1], unpack(ARGV, i, math.min(i + 499, #ARGV))) end
        if n == #ARGV - 2 then redis.call('SADD', KEYS[2], ARGV[1]) end
        redis.call('INCRBY', KEYS[3], #ARGV - 2)
        return n
        """;

    public static async Task<int> RunAsync()
    {
        var dir = Directory.CreateTempSubdirectory("reco-append-").FullName;
        using var garnet = new EmbeddedGarnet(new StorageOptions { DataDir = dir });
        using var mux = await ConnectionMultiplexer.ConnectAsync(garnet.ConnectionString);
        var db = mux.GetDatabase();
        Task Push(string u, RedisValue[] v) => db.ListRightPushAsync("log:" + u, v);
        Task Batch(string u, RedisValue[] v)
        {
            var b = db.CreateBatch();
            var tasks = new Task[] { b.ListRightPushAsync("log:" + u, v), b.SetAddAsync("users", u), b.StringIncrementAsync("events", v.Length) };
            b.Execute();
            return Task.WhenAll(tasks);
        }
        Task Lua(string u, RedisValue[] v) => db.ScriptEvaluateAsync(Script, ["log:" + u, "users", "events"], [u, 0, .. v]);

        Console.WriteLine("| appends in flight | events per append | RPUSH ev/s | batch of 3 ev/s | Lua ev/s |\n|---:|---:|---:|---:|---:|");
        foreach (var (inFlight, perAppend) in new[] { (8, 1), (64, 1), (64, 2), (256, 4) })
        {
            double p = 0, b = 0, l = 0;
            for (var rep = 0; rep < 2; rep++)
            {
                p += await Rate(inFlight, perAppend, Push);
                b += await Rate(inFlight, perAppend, Batch);
                l += await Rate(inFlight, perAppend, Lua);
            }
            Console.WriteLine($"| {inFlight} | {perAppend} | {p / 2:F0} | {b / 2:F0} | {l / 2:F0} |");
        }
        return 0;
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
