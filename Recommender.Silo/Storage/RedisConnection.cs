using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Recommender.Silo.Storage;

/// <summary>Finds the Redis-protocol store to use: an external Redis 7 when one is configured, else an embedded Garnet.</summary>
public static class RedisConnection
{
    public const string ConnectionStringName = "redis";
    public const string EnvironmentVariable = "RECO_REDIS";

    /// <summary>
    /// The configured external Redis, if any: <c>ConnectionStrings:redis</c>, the connection Aspire's
    /// <c>Orleans:Clustering:ServiceKey</c> names, <c>Storage:RedisConnectionString</c>, or <c>RECO_REDIS</c>.
    /// </summary>
    public static string? Configured(IConfiguration configuration) =>
        NonEmpty(configuration.GetConnectionString(ConnectionStringName))
        ?? Hosting.AspireConventions.ClusteringConnectionString(configuration)
        ?? NonEmpty(configuration[$"{StorageOptions.Section}:{nameof(StorageOptions.RedisConnectionString)}"])
        ?? NonEmpty(Environment.GetEnvironmentVariable(EnvironmentVariable));

    public static ConfigurationOptions Options(string connectionString, TimeSpan commandTimeout)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        options.AsyncTimeout = options.SyncTimeout = (int)commandTimeout.TotalMilliseconds;
        options.ConnectTimeout = (int)Math.Max(1000, commandTimeout.TotalMilliseconds);
        options.ConnectRetry = 3;
        return options;
    }

    public static IConnectionMultiplexer Connect(string connectionString, TimeSpan commandTimeout, ILogger logger)
    {
        var multiplexer = ConnectionMultiplexer.Connect(Options(connectionString, commandTimeout));
        multiplexer.ConnectionFailed += (_, e) => logger.LogWarning("Redis connection lost ({FailureType}): {Endpoint}", e.FailureType, e.EndPoint);
        multiplexer.ConnectionRestored += (_, e) => logger.LogInformation("Redis connection restored: {Endpoint}", e.EndPoint);
        return multiplexer;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
