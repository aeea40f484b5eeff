using StackExchange.Redis;

namespace Recommender.Api.Health;

/// <summary>Pings the Redis-protocol store the cluster uses (its own connection, so it also works in cluster mode).</summary>
public sealed class StoreProbe(IConnectionMultiplexer redis)
{
    public Task<TimeSpan> PingAsync() => redis.GetDatabase().PingAsync();
}
