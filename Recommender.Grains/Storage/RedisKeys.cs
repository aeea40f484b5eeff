using Microsoft.Extensions.Options;
using Orleans.Configuration;
using StackExchange.Redis;

namespace Recommender.Grains.Storage;

/// <summary>
/// Every key this service writes outside Orleans' own grain storage, prefixed with the
/// cluster's ServiceId so several deployments (and test clusters) can share one Redis.
/// </summary>
public sealed class RedisKeys(IOptions<ClusterOptions> cluster)
{
    private readonly string _prefix = $"reco:{cluster.Value.ServiceId}:";

    /// <summary>The list holding one user's event log (RPUSH / LRANGE: both Redis 7 and Garnet have lists, Garnet has no streams).</summary>
    public RedisKey UserLog(string userId) => _prefix + "log:" + userId;

    /// <summary>The set of every user with a log, read by the trainer.</summary>
    public RedisKey Users => _prefix + "users";

    /// <summary>Hash item id → <see cref="Items.ItemRecord"/> JSON: what a silo's item index loads at start.</summary>
    public RedisKey Catalog => _prefix + "catalog";

    /// <summary>Pub/sub channel on which item grains announce changes to every silo's item index.</summary>
    public RedisChannel ItemChanges => RedisChannel.Literal(_prefix + "items");

    /// <summary>Hash "kind:name" → JSON of the stored rules (named filters, promotions, boosts).</summary>
    public RedisKey Rules => _prefix + "rules";

    /// <summary>Pub/sub channel carrying the "kind:name" of a changed rule to every silo.</summary>
    public RedisChannel RuleChanges => RedisChannel.Literal(_prefix + "rule-changes");

    /// <summary>The current trained model (Brotli-compressed binary, see <see cref="Model.TrainedModel"/>).</summary>
    public RedisKey Model => _prefix + "model";

    /// <summary>Pub/sub channel announcing a new model version to every silo.</summary>
    public RedisChannel ModelPublished => RedisChannel.Literal(_prefix + "model-published");

    /// <summary>Counter of every event ever appended (drift rules compare it with the training's).</summary>
    public RedisKey EventCount => _prefix + "events";

    /// <summary>
    /// Counter of every forget ever done (no user id in it). A user grain takes it as the epoch of
    /// its ranking sequences, so they keep growing when a forgotten user's log restarts at 0.
    /// </summary>
    public RedisKey Forgets => _prefix + "forgets";

    /// <summary>
    /// The demo seeding's claim (<c>SET NX</c>): the silo that sets it first seeds, no other ever
    /// does; its value says what became of it (seeding, seeded, skipped because the store had data, failed).
    /// </summary>
    public RedisKey DemoSeed => _prefix + "demo-seed";

    /// <summary>How <see cref="DemoSeed"/>'s value starts while the seeding runs (then the time in ISO 8601 and who seeds).</summary>
    public const string DemoSeedingSince = "seeding since ";

    /// <summary>Counter of events on items that were in the user's last served or pushed top-k.</summary>
    public RedisKey HitCount => _prefix + "hits";

    /// <summary>Hash experiment id → <see cref="Experiments.ExperimentDefinition"/> JSON.</summary>
    public RedisKey Experiments => _prefix + "experiments";

    /// <summary>Pub/sub channel carrying the id of a changed experiment (or "default") to every silo.</summary>
    public RedisChannel ExperimentChanges => RedisChannel.Literal(_prefix + "experiment-changes");

    /// <summary>The serving configuration every user gets outside an experiment (JSON; absent: the learned model).</summary>
    public RedisKey ServingDefault => _prefix + "serving-default";

    /// <summary>Hash "minute|variant|metric" → count: an experiment's results, per minute so that they can be charted and re-tested over time.</summary>
    public RedisKey ExperimentSeries(string experimentId) => _prefix + "experiment:" + experimentId + ":series";

    /// <summary>HyperLogLog of the users served in one variant of an experiment.</summary>
    public RedisKey ExperimentUsers(string experimentId, string variant) => _prefix + "experiment:" + experimentId + ":users:" + variant;

    /// <summary>Hash "group|metric" → count of one minute's online metrics (unix minute), expiring after the longest window.</summary>
    public RedisKey OnlineMinute(long minute) => _prefix + "online:" + minute;

    /// <summary>HyperLogLog of the distinct items served to one group in one minute (catalogue coverage).</summary>
    public RedisKey OnlineItems(long minute, string group) => _prefix + "online:" + minute + ":items:" + group;

    /// <summary>List of one hour's impression batches (NDJSON per element), expiring after the impression retention.</summary>
    public RedisKey Impressions(DateTimeOffset hour) => _prefix + "impressions:" + hour.ToString("yyyyMMddHH", System.Globalization.CultureInfo.InvariantCulture);
}
