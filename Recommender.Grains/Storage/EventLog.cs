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
    public async Task<long> AppendAsync(string userId, IReadOnlyList<string> entries)
    {
        var values = new RedisValue[entries.Count];
        for (var i = 0; i < values.Length; i++) values[i] = entries[i];
        var batch = Db.CreateBatch();
        var push = batch.ListRightPushAsync(keys.UserLog(userId), values);
        var register = batch.SetAddAsync(keys.Users, userId);
        batch.Execute();
        await Task.WhenAll(push, register);
        return push.Result;
    }

    /// <summary>Entries from position <paramref name="from"/> (0-based) to the end.</summary>
    public async Task<string[]> ReadAsync(string userId, long from = 0)
    {
        var values = await Db.ListRangeAsync(keys.UserLog(userId), from, -1);
        return Array.ConvertAll(values, v => (string)v!);
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
