using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Recommender.Grains.Storage;

namespace Recommender.Grains.Experiments;

/// <summary>Loads the experiments and the default serving configuration at start, re-reads one on each change message, and all of them every 5 minutes (a missed message heals).</summary>
public sealed class ExperimentStoreSync(ExperimentStore store, IConnectionMultiplexer redis, RedisKeys keys, ILogger<ExperimentStoreSync> logger) : IHostedService, IDisposable
{
    private static readonly TimeSpan ResyncPeriod = TimeSpan.FromMinutes(5);
    private Timer? _resync;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await redis.GetSubscriber().SubscribeAsync(keys.ExperimentChanges, (_, message) => Refresh((string?)message).Ignore());
        await store.RefreshAsync();
        _resync = new Timer(_ => _ = Refresh(null), null, ResyncPeriod, ResyncPeriod);
    }

    private async Task Refresh(string? field)
    {
        try { await store.RefreshAsync(field); }
        catch (Exception e) { logger.LogWarning(e, "Reading the experiments failed; the next change or resync retries"); }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _resync?.Dispose();
        return redis.GetSubscriber().UnsubscribeAsync(keys.ExperimentChanges);
    }

    public void Dispose() => _resync?.Dispose();
}
