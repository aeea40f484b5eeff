using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Recommender.Grains.Domain;
using Recommender.Grains.Items;
using Recommender.Grains.Storage;
using Recommender.Grains.Telemetry;
using Recommender.Grains.Users;

namespace Recommender.Grains.Impressions;

/// <summary>
/// This silo's impressions and attributions: each served list is queued for the impression log and
/// counted, each attributed event counted, in memory; once per <see cref="ImpressionOptions.FlushInterval"/>
/// one pipelined round trip writes the queued impressions (one RPUSH of an NDJSON batch to the hour's
/// list, expiring after the retention) and the counter deltas (HINCRBY on the minute's hash and, for an
/// experiment, on its series; PFADD for the distinct items and users). No grain write per request.
/// A failed flush keeps the impressions for the next (up to <see cref="ImpressionOptions.MaxPending"/>)
/// and drops the counter deltas: a counter is never added twice (a retried HINCRBY whose first try
/// landed would be), at the cost of a flush's counts when the store fails.
/// </summary>
public sealed class ImpressionRecorder(
    IConnectionMultiplexer redis, RedisKeys keys, ItemIndex index, IOptions<ImpressionOptions> options, ILogger<ImpressionRecorder> logger) : BackgroundService
{
    private static readonly Meter Meter = new(RecommenderMetrics.MeterName, "1.0");
    private static readonly Counter<long> ImpressionCount = Meter.CreateCounter<long>("recommender.impressions", "{list}", "Lists served (answered, continued or pushed), by strategy, model version and experiment variant.");
    private static readonly Counter<long> ServedItems = Meter.CreateCounter<long>("recommender.impression.items", "{item}", "Items in the lists served.");
    private static readonly Counter<long> AttributedEvents = Meter.CreateCounter<long>("recommender.attributed.events", "{event}", "Positive events attributed to a served list, by type.");
    private static readonly Counter<long> Hits = Meter.CreateCounter<long>("recommender.attributed.hits", "{list}", "Served lists with at least one attributed positive event.");
    private static readonly Counter<long> Conversions = Meter.CreateCounter<long>("recommender.attributed.conversions", "{list}", "Served lists with at least one attributed purchase.");
    private static readonly Histogram<int> ClickPosition = Meter.CreateHistogram<int>("recommender.attributed.position", "{rank}", "The rank of the item an attributed event was on.");
    private static readonly Counter<long> Unmatched = Meter.CreateCounter<long>("recommender.attribution.unmatched", "{event}", "Events whose recommendationId is unknown to the user's grain or does not hold the item.");
    private static readonly Counter<long> Dropped = Meter.CreateCounter<long>("recommender.impressions.dropped", "{list}", "Impressions dropped because the store could not take them in time.");

    private readonly ImpressionOptions _options = options.Value;
    private readonly ConcurrentDictionary<ImpressionGroup, ImpressionGroup> _groups = new();
    private readonly ConcurrentQueue<string> _pending = new();
    private int _pendingCount;
    private ConcurrentDictionary<(RedisKey Key, string Field), long> _deltas = new();
    private ConcurrentDictionary<RedisKey, ConcurrentDictionary<string, byte>> _distinct = new();

    public ImpressionOptions Options => _options;

    /// <summary>The interned group (one instance per distinct value on this silo).</summary>
    public ImpressionGroup Group(string strategy, long modelVersion, string? experiment, string? variant)
    {
        var group = new ImpressionGroup(strategy, modelVersion, experiment, variant);
        return _groups.GetOrAdd(group, group);
    }

    /// <summary>A new list served: logged (user, id, source, group, items in rank order from <paramref name="firstRank"/>) and counted.</summary>
    public void Served(string userId, Guid id, string source, ImpressionGroup group, RankedItem[] items, DateTimeOffset at)
    {
        if (!_options.Record) return;
        Log(userId, id, source, group, items, at);
        var minute = Minute(at);
        Add(keys.OnlineMinute(minute), group.Key + "|imp", 1);
        Add(keys.OnlineMinute(minute), group.Key + "|items", items.Length);
        Add(keys.OnlineMinute(minute), group.Key + "|nov", (long)Math.Round(1000 * Novelty(items)));
        var distinct = _distinct.GetOrAdd(keys.OnlineItems(minute, group.Key), _ => new(StringComparer.Ordinal));
        foreach (var item in items) distinct.TryAdd(item.ItemId, 0);
        if (group.Experiment is { } experiment)
        {
            Add(keys.ExperimentSeries(experiment), $"{minute}|{group.Variant}|imp", 1);
            _distinct.GetOrAdd(keys.ExperimentUsers(experiment, group.Variant!), _ => new(StringComparer.Ordinal)).TryAdd(userId, 0);
        }
        var tags = Tags(group);
        ImpressionCount.Add(1, tags);
        ServedItems.Add(items.Length, tags);
    }

    /// <summary>A continued page (<c>next</c>): logged under the list's id, its items counted as served; not a new impression.</summary>
    public void Continued(string userId, Guid id, ImpressionGroup group, RankedItem[] items, DateTimeOffset at)
    {
        if (items.Length == 0 || !_options.Record) return;
        Log(userId, id, "next", group, items, at);
        var minute = Minute(at);
        Add(keys.OnlineMinute(minute), group.Key + "|items", items.Length);
        Add(keys.OnlineMinute(minute), group.Key + "|nov", (long)Math.Round(1000 * Novelty(items)));
        var distinct = _distinct.GetOrAdd(keys.OnlineItems(minute, group.Key), _ => new(StringComparer.Ordinal));
        foreach (var item in items) distinct.TryAdd(item.ItemId, 0);
        ServedItems.Add(items.Length, Tags(group));
    }

    /// <param name="position">The item's rank in the list (1-based).</param>
    /// <param name="firstHit">The list's first attributed positive event.</param>
    /// <param name="firstConversion">The list's first attributed purchase.</param>
    public void Attributed(ImpressionGroup group, EventType type, int position, bool firstHit, bool firstConversion, DateTimeOffset at)
    {
        var minute = Minute(at);
        var online = keys.OnlineMinute(minute);
        Add(online, $"{group.Key}|ev:{type.ToWire()}", 1);
        Add(online, group.Key + "|ev", 1);
        Add(online, group.Key + "|pos", position);
        if (firstHit) Add(online, group.Key + "|hit", 1);
        if (firstConversion) Add(online, group.Key + "|conv", 1);
        if (group.Experiment is { } experiment)
        {
            var series = keys.ExperimentSeries(experiment);
            Add(series, $"{minute}|{group.Variant}|ev", 1);
            if (firstHit) Add(series, $"{minute}|{group.Variant}|hit", 1);
            if (firstConversion) Add(series, $"{minute}|{group.Variant}|conv", 1);
        }
        var tags = Tags(group);
        AttributedEvents.Add(1, [.. tags, new("type", type.ToWire())]);
        ClickPosition.Record(position, tags);
        if (firstHit) Hits.Add(1, tags);
        if (firstConversion) Conversions.Add(1, tags);
    }

    public void NotMatched(DateTimeOffset at)
    {
        Add(keys.OnlineMinute(Minute(at)), "unmatched", 1);
        Unmatched.Add(1);
    }

    public static long Minute(DateTimeOffset at) => at.ToUnixTimeSeconds() / 60;

    /// <summary>Σ over the list of 1 − ln(1 + n_i) / ln(1 + n_max), n the item's positive interactions (0 for the most popular item, 1 for one nobody touched); the reader divides by the items served.</summary>
    private double Novelty(RankedItem[] items)
    {
        if (items.Length == 0) return 0;
        var scores = index.PopularityScores();
        var sum = 0d;
        foreach (var item in items)
        {
            var slot = index.SlotOf(item.ItemId);
            sum += 1 - (slot >= 0 && slot < scores.Length ? scores[slot] : 0f);
        }
        return sum;
    }

    private static KeyValuePair<string, object?>[] Tags(ImpressionGroup group) =>
    [
        new("strategy", group.Strategy), new("model_version", group.ModelVersion),
        new("experiment", group.Experiment ?? ""), new("variant", group.Variant ?? ""),
    ];

    private void Log(string userId, Guid id, string source, ImpressionGroup group, RankedItem[] items, DateTimeOffset at)
    {
        if (Interlocked.Increment(ref _pendingCount) > _options.MaxPending)
        {
            Interlocked.Decrement(ref _pendingCount);
            Dropped.Add(1);
            return;
        }
        _pending.Enqueue(JsonSerializer.Serialize(new ImpressionRecord(
            id.ToString("N"), userId, at.ToUnixTimeMilliseconds(), source, group.Strategy, group.ModelVersion, group.Experiment, group.Variant,
            items.Length == 0 ? 1 : items[0].Rank, Array.ConvertAll(items, i => i.ItemId)), ImpressionRecord.Json));
    }

    private void Add(RedisKey key, string field, long by) => _deltas.AddOrUpdate((key, field), by, (_, v) => v + by);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.FlushInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await FlushAsync();
        }
        catch (OperationCanceledException) { }
        await FlushAsync();
    }

    /// <summary>Writes what is pending in one pipelined round trip (also called by tests and benchmarks to settle the counts).</summary>
    public async Task FlushAsync()
    {
        var deltas = Interlocked.Exchange(ref _deltas, new());
        var distinct = Interlocked.Exchange(ref _distinct, new());
        var lines = new List<string>();
        while (_pending.TryDequeue(out var line)) lines.Add(line);
        Interlocked.Add(ref _pendingCount, -lines.Count);
        if (deltas.IsEmpty && distinct.IsEmpty && lines.Count == 0) return;
        var db = redis.GetDatabase();
        var batch = db.CreateBatch();
        var writes = new List<Task>();
        var now = DateTimeOffset.UtcNow;
        if (lines.Count > 0)
        {
            var hour = keys.Impressions(new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero));
            writes.Add(batch.ListRightPushAsync(hour, string.Join('\n', lines)));
            writes.Add(batch.KeyExpireAsync(hour, _options.Retention + TimeSpan.FromHours(1)));
        }
        var expiring = new HashSet<RedisKey>();
        foreach (var ((key, field), by) in deltas)
        {
            writes.Add(batch.HashIncrementAsync(key, field, by));
            if (IsMinuteKey(key)) expiring.Add(key);
        }
        foreach (var (key, members) in distinct)
        {
            writes.Add(batch.HyperLogLogAddAsync(key, [.. members.Keys.Select(m => (RedisValue)m)]));
            if (IsMinuteKey(key)) expiring.Add(key);
        }
        foreach (var key in expiring) writes.Add(batch.KeyExpireAsync(key, _options.MetricsRetention + TimeSpan.FromMinutes(5)));
        batch.Execute();
        try
        {
            await Task.WhenAll(writes);
        }
        catch (Exception e)
        {
            logger.LogWarning("Writing impressions and online counters failed ({Lines} impressions kept for the next flush, counter deltas dropped): {Message}", lines.Count, e.Message);
            foreach (var line in lines)
                if (Interlocked.Increment(ref _pendingCount) <= _options.MaxPending) _pending.Enqueue(line);
                else { Interlocked.Decrement(ref _pendingCount); Dropped.Add(1); }
        }
    }

    private bool IsMinuteKey(RedisKey key) => ((string)key!).Contains(":online:", StringComparison.Ordinal);
}

/// <summary>One line of the impression log (docs/API.md, "Impressions and attribution").</summary>
public sealed record ImpressionRecord(
    string Id, string User, long At, string Source, string Strategy, long ModelVersion, string? Experiment, string? Variant, int FirstRank, string[] Items)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };
}
