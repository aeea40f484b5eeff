using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Recommender.Grains.Storage;

namespace Recommender.Grains.Items;

/// <summary>
/// Keeps this silo's <see cref="ItemIndex"/> in step with the cluster: loads the catalog hash at
/// start, applies every change other silos publish, and reloads the catalog now and then in
/// case a message was missed while the connection was down.
/// </summary>
public sealed class ItemIndexSync(ItemIndex index, ItemChangePublisher publisher, IConnectionMultiplexer redis, RedisKeys keys, ILogger<ItemIndexSync> logger)
    : IHostedService, IDisposable
{
    private static readonly TimeSpan ResyncPeriod = TimeSpan.FromMinutes(5);
    private Timer? _resync;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await redis.GetSubscriber().SubscribeAsync(keys.ItemChanges, (_, message) =>
        {
            try
            {
                if (ItemChangePublisher.ParseChanges(message) is { } changes && changes.Origin != publisher.Origin)
                    foreach (var record in changes.Items) index.Apply(record);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Ignored a malformed item change message");
            }
        });
        await LoadCatalogAsync();
        _resync = new Timer(_ => _ = ResyncAsync(), null, ResyncPeriod, ResyncPeriod);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _resync?.Dispose();
        return redis.GetSubscriber().UnsubscribeAsync(keys.ItemChanges);
    }

    public void Dispose() => _resync?.Dispose();

    public async Task LoadCatalogAsync()
    {
        var loaded = 0;
        await foreach (var entry in redis.GetDatabase().HashScanAsync(keys.Catalog, pageSize: 1000))
        {
            if (ItemChangePublisher.Parse(entry.Value) is { } record)
            {
                index.Apply(record);
                loaded++;
            }
        }
        logger.LogInformation("Item index loaded {Count} items from the catalog", loaded);
    }

    private async Task ResyncAsync()
    {
        try { await LoadCatalogAsync(); }
        catch (Exception e) { logger.LogWarning(e, "Catalog resync failed; will retry"); }
    }
}
