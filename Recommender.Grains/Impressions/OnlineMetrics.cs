using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using StackExchange.Redis;
using Recommender.Grains.Items;
using Recommender.Grains.Storage;

namespace Recommender.Grains.Impressions;

/// <summary>The online metrics of the last <c>window</c>, per strategy, model version and variant, from every silo's flushed counters.</summary>
public interface IOnlineMetricsGrain : IGrainWithIntegerKey
{
    Task<OnlineMetrics> Read(TimeSpan window);
}

[GenerateSerializer, Alias("reco.OnlineMetrics"), Immutable]
public sealed record OnlineMetrics
{
    [Id(0)] public DateTimeOffset From { get; init; }
    [Id(1)] public DateTimeOffset To { get; init; }
    [Id(2)] public OnlineGroupMetrics[] Groups { get; init; } = [];
    /// <summary>Events whose recommendationId was unknown to the user's grain or did not serve the item.</summary>
    [Id(3)] public long Unmatched { get; init; }
    [Id(4)] public int CatalogSize { get; init; }
}

/// <param name="Ctr">Attributed positive events per impression (CTR@k).</param>
/// <param name="HitRate">Impressions with at least one attributed positive event.</param>
/// <param name="Conversion">Impressions with at least one attributed purchase.</param>
/// <param name="MeanPosition">Mean rank of the items attributed events were on.</param>
/// <param name="Coverage">Distinct items served (HyperLogLog, ~1 % error) over the catalogue's size.</param>
/// <param name="Novelty">Mean over served items of 1 − ln(1 + n)/ln(1 + n_max), n an item's positive interactions.</param>
[GenerateSerializer, Alias("reco.OnlineGroupMetrics"), Immutable]
public sealed record OnlineGroupMetrics(
    [property: Id(0)] string Strategy, [property: Id(1)] long ModelVersion, [property: Id(2)] string? Experiment, [property: Id(3)] string? Variant,
    [property: Id(4)] long Impressions, [property: Id(5)] long ItemsServed, [property: Id(6)] long Events, [property: Id(7)] Dictionary<string, long> EventsByType,
    [property: Id(8)] long Hits, [property: Id(9)] long Conversions, [property: Id(10)] double Ctr, [property: Id(11)] double HitRate,
    [property: Id(12)] double Conversion, [property: Id(13)] double MeanPosition, [property: Id(14)] long DistinctItems,
    [property: Id(15)] double Coverage, [property: Id(16)] double Novelty);

[StatelessWorker]
public sealed class OnlineMetricsGrain(IConnectionMultiplexer redis, RedisKeys keys, ItemIndex index, IOptions<ImpressionOptions> options, TimeProvider clock)
    : Grain, IOnlineMetricsGrain
{
    public const long Key = 0;

    public async Task<OnlineMetrics> Read(TimeSpan window)
    {
        if (window > options.Value.MetricsRetention) window = options.Value.MetricsRetention;
        var now = clock.GetUtcNow();
        var last = ImpressionRecorder.Minute(now);
        var minutes = Math.Max(1, (long)Math.Ceiling(window.TotalMinutes));
        var db = redis.GetDatabase();
        var hashes = await Task.WhenAll(Enumerable.Range(0, (int)minutes).Select(i => db.HashGetAllAsync(keys.OnlineMinute(last - i))));
        var sums = new Dictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
        long unmatched = 0;
        foreach (var entry in hashes.SelectMany(h => h))
        {
            var field = (string)entry.Name!;
            if (field == "unmatched") { unmatched += (long)entry.Value; continue; }
            var bar = field.LastIndexOf('|');
            if (bar < 0) continue;
            var group = field[..bar];
            if (!sums.TryGetValue(group, out var metrics)) sums[group] = metrics = new(StringComparer.Ordinal);
            metrics[field[(bar + 1)..]] = metrics.GetValueOrDefault(field[(bar + 1)..]) + (long)entry.Value;
        }
        var catalog = index.Count;
        var groups = new List<OnlineGroupMetrics>();
        foreach (var (key, m) in sums.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            if (ImpressionGroup.Parse(key) is not { } group) continue;
            // PFCOUNT over several keys counts their union: the distinct items of the whole window.
            var distinct = await db.HyperLogLogLengthAsync([.. Enumerable.Range(0, (int)minutes).Select(i => keys.OnlineItems(last - i, key))]);
            long Get(string name) => m.GetValueOrDefault(name);
            var impressions = Get("imp");
            var items = Get("items");
            double Per(long x, long n) => n == 0 ? 0 : (double)x / n;
            groups.Add(new OnlineGroupMetrics(group.Strategy, group.ModelVersion, group.Experiment, group.Variant,
                impressions, items, Get("ev"),
                m.Where(p => p.Key.StartsWith("ev:", StringComparison.Ordinal)).ToDictionary(p => p.Key[3..], p => p.Value, StringComparer.Ordinal),
                Get("hit"), Get("conv"), Per(Get("ev"), impressions), Per(Get("hit"), impressions), Per(Get("conv"), impressions),
                Per(Get("pos"), Get("ev")), distinct, catalog == 0 ? 0 : Math.Min(1, (double)distinct / catalog), Per(Get("nov"), items) / 1000));
        }
        return new OnlineMetrics
        {
            From = DateTimeOffset.FromUnixTimeSeconds((last - minutes + 1) * 60), To = now, Groups = [.. groups], Unmatched = unmatched, CatalogSize = catalog,
        };
    }
}
