using System.Text.Json;
using StackExchange.Redis;
using Recommender.Grains.Storage;

namespace Recommender.Grains.Items;

/// <summary>
/// Spreads item records: straight into this silo's index, over Redis pub/sub to the other
/// silos' indexes, and into the catalog hash a starting silo loads.
/// </summary>
public sealed class ItemChangePublisher(ItemIndex index, IConnectionMultiplexer redis, RedisKeys keys)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        // PopularityLog is −∞ for an item nobody touched yet.
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public async Task PublishAsync(ItemRecord record, bool writeCatalog)
    {
        var copy = record.Clone();
        index.Apply(copy);
        var json = JsonSerializer.Serialize(copy, Json);
        if (writeCatalog) await redis.GetDatabase().HashSetAsync(keys.Catalog, copy.ItemId, json);
        await redis.GetSubscriber().PublishAsync(keys.ItemChanges, json);
    }

    public Task SaveToCatalogAsync(ItemRecord record) =>
        redis.GetDatabase().HashSetAsync(keys.Catalog, record.ItemId, JsonSerializer.Serialize(record, Json));

    public static ItemRecord? Parse(RedisValue json) =>
        json.IsNullOrEmpty ? null : JsonSerializer.Deserialize<ItemRecord>((string)json!, Json);
}
