using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Recommender.Grains.Storage;

namespace Recommender.Grains.Rules;

/// <summary>Keeps this silo's <see cref="RuleStore"/> current (<see cref="ReplicaSync"/>).</summary>
public sealed class RuleStoreSync(RuleStore store, IConnectionMultiplexer redis, RedisKeys keys, ILogger<RuleStoreSync> logger)
    : ReplicaSync(redis, keys.RuleChanges, store.RefreshAsync, logger, "the stored rules");
