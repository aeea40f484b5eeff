using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Recommender.Grains.Storage;

/// <summary>
/// Keeps a silo's replica of a Redis-held store current: loads it at start, re-reads the one entry
/// a change message names, and everything every 5 minutes (a missed message heals). The stored rules
/// and the experiments are kept this way.
/// </summary>
/// <param name="refresh">Re-reads the entry of that name, or everything for null.</param>
/// <param name="what">What the store holds, for the warning when a read fails.</param>
public abstract class ReplicaSync(IConnectionMultiplexer redis, RedisChannel changes, Func<string?, Task> refresh, ILogger logger, string what)
    : IHostedService, IDisposable
{
    private static readonly TimeSpan ResyncPeriod = TimeSpan.FromMinutes(5);
    private Timer? _resync;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await redis.GetSubscriber().SubscribeAsync(changes, (_, message) => Refresh((string?)message).Ignore());
        await refresh(null);
        _resync = new Timer(_ => _ = Refresh(null), null, ResyncPeriod, ResyncPeriod);
    }

    private async Task Refresh(string? name)
    {
        try { await refresh(name); }
        catch (Exception e) { logger.LogWarning(e, "Reading {What} failed; the next change or resync retries", what); }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _resync?.Dispose();
        return redis.GetSubscriber().UnsubscribeAsync(changes);
    }

    public void Dispose() => _resync?.Dispose();
}
