using StackExchange.Redis;

namespace Recommender.Grains.Storage;

/// <summary>
/// The durable per-user event log. An event is acknowledged only after its RPUSH has returned,
/// so an acknowledged event survives any crash the store survives; grain snapshots are merely a
/// shortcut over this log (a grain replays the log after its snapshot's position).
/// </summary>
public sealed class EventLog(IConnectionMultiplexer redis, RedisKeys keys)
{
    private IDatabase Db => redis.GetDatabase();

    /// <summary>Appends entries in one round trip; returns the log length after the append.</summary>
    /// <param name="hits">How many of these events were on items in the user's last served top-k (the online hit-rate).</param>
    public async Task<long> AppendAsync(string userId, IReadOnlyList<string> entries, int hits = 0)
    {
        var values = new RedisValue[entries.Count];
        for (var i = 0; i < values.Length; i++) values[i] = entries[i];
        var batch = Db.CreateBatch();
        var push = batch.ListRightPushAsync(keys.UserLog(userId), values);
        var register = batch.SetAddAsync(keys.Users, userId);
        var count = batch.StringIncrementAsync(keys.EventCount, values.Length);
        var hit = hits > 0 ? batch.StringIncrementAsync(keys.HitCount, hits) : Task.FromResult(0L);
        batch.Execute();
        await Task.WhenAll(push, register, count, hit);
        return push.Result;
    }

    /// <summary>Entries from position <paramref name="from"/> (0-based) to the end.</summary>
    public async Task<string[]> ReadAsync(string userId, long from = 0)
    {
        var values = await Db.ListRangeAsync(keys.UserLog(userId), from, -1);
        return Array.ConvertAll(values, v => (string)v!);
    }

    /// <summary>How many events were ever appended, by every user.</summary>
    public async Task<long> TotalEventsAsync() => (long?)await Db.StringGetAsync(keys.EventCount) ?? 0;

    /// <summary>Events ever appended, and how many of them hit the user's last served top-k.</summary>
    public async Task<(long Events, long Hits)> CountersAsync()
    {
        var values = await Db.StringGetAsync([keys.EventCount, keys.HitCount]);
        return ((long?)values[0] ?? 0, (long?)values[1] ?? 0);
    }

    public Task<long> LengthAsync(string userId) => Db.ListLengthAsync(keys.UserLog(userId));

    public async Task DeleteAsync(string userId)
    {
        var batch = Db.CreateBatch();
        var delete = batch.KeyDeleteAsync(keys.UserLog(userId));
        var unregister = batch.SetRemoveAsync(keys.Users, userId);
        batch.Execute();
        await Task.WhenAll(delete, unregister);
    }

    /// <summary>Every user id with a log (SSCAN, so it does not block the server on large sets).</summary>
    public async IAsyncEnumerable<string> UsersAsync()
    {
        await foreach (var member in Db.SetScanAsync(keys.Users, pageSize: 1000))
            yield return member!;
    }
}
