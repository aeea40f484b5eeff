using System.Collections.Concurrent;
using System.Text.Json;
using StackExchange.Redis;
using Recommender.Grains.Storage;

namespace Recommender.Grains.Rules;

/// <summary>
/// Every silo's replica of the stored rules (named filters; promotions and boosts share the hash):
/// one Redis hash, <see cref="RedisKeys.Rules"/>, field "kind:name" → JSON, loaded at start and
/// kept current by a pub/sub message per change (<see cref="RuleStoreSync"/>), as the item index is.
/// Reads are lock-free dictionary lookups on the ranking path.
/// </summary>
public sealed class RuleStore(IConnectionMultiplexer redis, RedisKeys keys)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public const string FilterKind = "filter";
    public const string PromotionKind = "promotion";
    public const string BoostKind = "boost";

    private readonly ConcurrentDictionary<string, FilterDefinition> _filters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PromotionDefinition> _promotions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, BoostDefinition> _boosts = new(StringComparer.Ordinal);

    /// <summary>Increases with every applied change (caches of compiled rules compare it).</summary>
    public long Version => Interlocked.Read(ref _version);
    private long _version;

    public IReadOnlyDictionary<string, FilterDefinition> Filters => _filters;

    public bool TryGetFilter(string name, out FilterDefinition filter) => _filters.TryGetValue(name, out filter!);

    /// <summary>Every promotion in name order (the order they are applied in), rebuilt on change: the ranking path reads it without sorting.</summary>
    public PromotionDefinition[] PromotionsByName { get; private set; } = [];

    /// <summary>Every boost in name order (the order they compose in).</summary>
    public BoostDefinition[] BoostsByName { get; private set; } = [];

    /// <summary>Stores, applies here, and announces to the other silos (answers once all three are done).</summary>
    public async Task PutAsync(string kind, string name, object definition)
    {
        var json = JsonSerializer.Serialize(definition, definition.GetType(), Json);
        await redis.GetDatabase().HashSetAsync(keys.Rules, Field(kind, name), json);
        Apply(kind, name, json);
        await redis.GetSubscriber().PublishAsync(keys.RuleChanges, $"{kind}:{name}");
    }

    public async Task<bool> DeleteAsync(string kind, string name)
    {
        var removed = await redis.GetDatabase().HashDeleteAsync(keys.Rules, Field(kind, name));
        Apply(kind, name, RedisValue.Null);
        await redis.GetSubscriber().PublishAsync(keys.RuleChanges, $"{kind}:{name}");
        return removed;
    }

    /// <summary>Re-reads one rule (after a change message) or all of them (at start, and now and then).</summary>
    public async Task RefreshAsync(string? field = null)
    {
        var db = redis.GetDatabase();
        if (field is not null)
        {
            var (kind, name) = Split(field);
            Apply(kind, name, await db.HashGetAsync(keys.Rules, field));
            return;
        }
        var entries = await db.HashGetAllAsync(keys.Rules);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            seen.Add(entry.Name!);
            var (kind, name) = Split(entry.Name!);
            Apply(kind, name, entry.Value);
        }
        foreach (var name in _filters.Keys.Where(n => !seen.Contains(Field(FilterKind, n))).ToArray()) Apply(FilterKind, name, RedisValue.Null);
        foreach (var name in _promotions.Keys.Where(n => !seen.Contains(Field(PromotionKind, n))).ToArray()) Apply(PromotionKind, name, RedisValue.Null);
        foreach (var name in _boosts.Keys.Where(n => !seen.Contains(Field(BoostKind, n))).ToArray()) Apply(BoostKind, name, RedisValue.Null);
    }

    private readonly Lock _applying = new();

    private void Apply(string kind, string name, RedisValue json)
    {
        // Serialised: the name-ordered arrays are rebuilt from the dictionaries, and two changes
        // applied at once (a PUT here, a message from another silo) must not publish a stale one last.
        lock (_applying) ApplyLocked(kind, name, json);
    }

    private void ApplyLocked(string kind, string name, RedisValue json)
    {
        switch (kind)
        {
            case FilterKind:
                Replace(_filters, name, json);
                break;
            case PromotionKind:
                Replace(_promotions, name, json);
                PromotionsByName = [.. _promotions.Values.OrderBy(p => p.Name, StringComparer.Ordinal)];
                break;
            case BoostKind:
                Replace(_boosts, name, json);
                BoostsByName = [.. _boosts.Values.OrderBy(b => b.Name, StringComparer.Ordinal)];
                break;
        }
        Interlocked.Increment(ref _version);
    }

    private static void Replace<T>(ConcurrentDictionary<string, T> rules, string name, RedisValue json) where T : class
    {
        if (json.IsNullOrEmpty) rules.TryRemove(name, out _);
        else if (JsonSerializer.Deserialize<T>((string)json!, Json) is { } rule) rules[name] = rule;
    }

    private static string Field(string kind, string name) => $"{kind}:{name}";

    private static (string Kind, string Name) Split(string field)
    {
        var colon = field.IndexOf(':');
        return colon < 0 ? ("", field) : (field[..colon], field[(colon + 1)..]);
    }
}
