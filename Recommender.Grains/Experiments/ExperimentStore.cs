using System.Collections.Concurrent;
using System.Text.Json;
using StackExchange.Redis;
using Recommender.Grains.Storage;

namespace Recommender.Grains.Experiments;

/// <summary>
/// Every silo's replica of the experiments and of the default serving configuration: a Redis hash
/// (<see cref="RedisKeys.Experiments"/>) and a key (<see cref="RedisKeys.ServingDefault"/>), loaded at
/// start and kept current by a pub/sub message per change (<see cref="ExperimentStoreSync"/>), as the
/// stored rules are. A user grain asks <see cref="Assign"/> on every list it serves: a field read and a hash.
/// </summary>
public sealed class ExperimentStore(IConnectionMultiplexer redis, RedisKeys keys)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private const string DefaultField = "default";

    private readonly ConcurrentDictionary<string, ExperimentDefinition> _experiments = new(StringComparer.Ordinal);
    private readonly Lock _applying = new();

    /// <summary>The running experiment, if any (at most one: experiments are not layered).</summary>
    public ExperimentDefinition? Active { get; private set; }

    /// <summary>What users outside an experiment (and its holdout) are served.</summary>
    public ServingConfig Default { get; private set; } = ServingConfig.Default;

    public IEnumerable<ExperimentDefinition> All => _experiments.Values;

    public ExperimentDefinition? Find(string id) => _experiments.GetValueOrDefault(id);

    /// <summary>The user's experiment and variant (null outside one) and the configuration to serve them.</summary>
    public Assignment Assign(string userId)
    {
        if (Active is not { } experiment) return new Assignment(null, null, Default);
        var (variant, serving) = experiment.Assign(userId);
        return new Assignment(experiment.Id, variant, serving ?? Default);
    }

    public async Task PutAsync(ExperimentDefinition experiment)
    {
        var json = JsonSerializer.Serialize(experiment, Json);
        await redis.GetDatabase().HashSetAsync(keys.Experiments, experiment.Id, json);
        Apply(experiment.Id, json);
        await redis.GetSubscriber().PublishAsync(keys.ExperimentChanges, experiment.Id);
    }

    public async Task<bool> DeleteAsync(string id)
    {
        var db = redis.GetDatabase();
        var removed = await db.HashDeleteAsync(keys.Experiments, id);
        if (_experiments.TryGetValue(id, out var experiment))
            await db.KeyDeleteAsync([keys.ExperimentSeries(id), .. experiment.Variants.Select(v => keys.ExperimentUsers(id, v.Name)), keys.ExperimentUsers(id, ExperimentDefinition.HoldoutVariant)]);
        Apply(id, RedisValue.Null);
        await redis.GetSubscriber().PublishAsync(keys.ExperimentChanges, id);
        return removed;
    }

    public async Task SetDefaultAsync(ServingConfig serving)
    {
        var json = JsonSerializer.Serialize(serving, Json);
        await redis.GetDatabase().StringSetAsync(keys.ServingDefault, json);
        ApplyDefault(json);
        await redis.GetSubscriber().PublishAsync(keys.ExperimentChanges, DefaultField);
    }

    /// <summary>Re-reads one experiment (after a change message), the default, or everything (at start, and now and then).</summary>
    public async Task RefreshAsync(string? id = null)
    {
        var db = redis.GetDatabase();
        if (id == DefaultField) { ApplyDefault(await db.StringGetAsync(keys.ServingDefault)); return; }
        if (id is not null) { Apply(id, await db.HashGetAsync(keys.Experiments, id)); return; }
        ApplyDefault(await db.StringGetAsync(keys.ServingDefault));
        var entries = await db.HashGetAllAsync(keys.Experiments);
        var seen = entries.Select(e => (string)e.Name!).ToHashSet(StringComparer.Ordinal);
        foreach (var entry in entries) Apply(entry.Name!, entry.Value);
        foreach (var gone in _experiments.Keys.Where(k => !seen.Contains(k)).ToArray()) Apply(gone, RedisValue.Null);
    }

    private void ApplyDefault(RedisValue json) =>
        Default = json.IsNullOrEmpty ? ServingConfig.Default : JsonSerializer.Deserialize<ServingConfig>((string)json!, Json) ?? ServingConfig.Default;

    private void Apply(string id, RedisValue json)
    {
        lock (_applying)
        {
            if (json.IsNullOrEmpty) _experiments.TryRemove(id, out _);
            else if (JsonSerializer.Deserialize<ExperimentDefinition>((string)json!, Json) is { } experiment) _experiments[id] = experiment;
            Active = _experiments.Values.Where(e => e.Status == ExperimentDefinition.Running).MinBy(e => e.StartedAt);
        }
    }
}

/// <param name="Experiment">The running experiment's id; null when there is none.</param>
/// <param name="Variant">The user's variant in it ("holdout" for a held-out user); null outside one.</param>
public readonly record struct Assignment(string? Experiment, string? Variant, ServingConfig Serving);
