using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Recommender.Grains.Storage;

namespace Recommender.Grains.Items;

/// <summary>
/// Spreads item records: straight into this silo's index, over Redis pub/sub to the other
/// silos' indexes, and into the catalog hash a starting silo loads.
/// Item grains hand their changes over with <see cref="Publish"/>; this silo sends them once per
/// <see cref="RecommenderOptions.ItemPublishInterval"/> as one message per 256 records and one
/// HSET per 256 catalog entries. One PUBLISH per changed item per tick put ~9 % of a batch
/// ingest's CPU into the embedded store's PUBLISH path (a profile); this sends one per silo and tick.
/// </summary>
public sealed class ItemChangePublisher(
    ItemIndex index,
    IConnectionMultiplexer redis,
    RedisKeys keys,
    IOptions<RecommenderOptions> options,
    ILogger<ItemChangePublisher> logger) : BackgroundService
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        // PopularityLog is −∞ for an item nobody touched yet.
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private const int RecordsPerMessage = 256;

    /// <summary>Tags this silo's messages so that it skips its own (its index has them already).</summary>
    public string Origin { get; } = Guid.NewGuid().ToString("N");

    private ConcurrentDictionary<string, ItemRecord> _toBroadcast = new(StringComparer.Ordinal);
    private ConcurrentDictionary<string, ItemRecord> _toCatalog = new(StringComparer.Ordinal);

    /// <summary>Applies a copy of the record here at once; other silos and the catalog get it at the next tick.</summary>
    public void Publish(ItemRecord record, bool toCatalog)
    {
        var copy = record.Clone();
        index.Apply(copy);
        Keep(_toBroadcast, copy);
        if (toCatalog) Keep(_toCatalog, copy);
    }

    /// <summary>Applies, writes to the catalog and broadcasts the record now (a metadata write answers only after this).</summary>
    public async Task PublishNowAsync(ItemRecord record)
    {
        var copy = record.Clone();
        index.Apply(copy);
        var json = JsonSerializer.Serialize(copy, Json);
        await redis.GetDatabase().HashSetAsync(keys.Catalog, copy.ItemId, json);
        await redis.GetSubscriber().PublishAsync(keys.ItemChanges, JsonSerializer.Serialize(new ItemChanges(Origin, [copy]), Json));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ItemPublishInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await FlushAsync();
        }
        catch (OperationCanceledException) { }
        await FlushAsync();
    }

    /// <summary>Sends what accumulated; what fails stays queued for the next tick (unless a newer version arrived meanwhile).</summary>
    public async Task FlushAsync()
    {
        var broadcast = Interlocked.Exchange(ref _toBroadcast, new(StringComparer.Ordinal));
        var catalog = Interlocked.Exchange(ref _toCatalog, new(StringComparer.Ordinal));
        try
        {
            foreach (var chunk in catalog.Values.Chunk(RecordsPerMessage))
            {
                var entries = Array.ConvertAll(chunk, r => new HashEntry(r.ItemId, JsonSerializer.Serialize(r, Json)));
                await redis.GetDatabase().HashSetAsync(keys.Catalog, entries);
                foreach (var record in chunk) catalog.TryRemove(record.ItemId, out _);
            }
            foreach (var chunk in broadcast.Values.Chunk(RecordsPerMessage))
            {
                await redis.GetSubscriber().PublishAsync(keys.ItemChanges, JsonSerializer.Serialize(new ItemChanges(Origin, chunk), Json));
                foreach (var record in chunk) broadcast.TryRemove(record.ItemId, out _);
            }
        }
        catch (Exception e)
        {
            logger.LogWarning("Publishing item changes failed, retrying at the next tick: {Message}", e.Message);
            foreach (var record in catalog.Values) Keep(_toCatalog, record);
            foreach (var record in broadcast.Values) Keep(_toBroadcast, record);
        }
    }

    private static void Keep(ConcurrentDictionary<string, ItemRecord> pending, ItemRecord record) =>
        pending.AddOrUpdate(record.ItemId, record, (_, held) => held.Version > record.Version ? held : record);

    public static ItemRecord? Parse(RedisValue json) =>
        json.IsNullOrEmpty ? null : JsonSerializer.Deserialize<ItemRecord>((string)json!, Json);

    public static ItemChanges? ParseChanges(RedisValue json) =>
        json.IsNullOrEmpty ? null : JsonSerializer.Deserialize<ItemChanges>((string)json!, Json);
}

/// <summary>One pub/sub message: the records a silo changed since its last tick.</summary>
public sealed record ItemChanges(string Origin, ItemRecord[] Items);
