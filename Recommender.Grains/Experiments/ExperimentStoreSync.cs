using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Recommender.Grains.Storage;

namespace Recommender.Grains.Experiments;

/// <summary>Keeps this silo's <see cref="ExperimentStore"/> (experiments and the default serving configuration) current (<see cref="ReplicaSync"/>).</summary>
public sealed class ExperimentStoreSync(ExperimentStore store, IConnectionMultiplexer redis, RedisKeys keys, ILogger<ExperimentStoreSync> logger)
    : ReplicaSync(redis, keys.ExperimentChanges, store.RefreshAsync, logger, "the experiments");
