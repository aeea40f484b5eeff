using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Recommender.Silo.Storage;

namespace Recommender.Silo.Hosting;

/// <summary>
/// The store a silo (or a test) talks to, decided once at start: external Redis or embedded Garnet.
/// An embedded Garnet is only prepared here (port, password, connection string); it is started by
/// <see cref="EmbeddedGarnetHost"/> when the host starts, or by <see cref="EmbeddedGarnet.Start"/>.
/// </summary>
public sealed class RecommenderStore : IDisposable
{
    public string ConnectionString { get; }
    public EmbeddedGarnet? Garnet { get; }
    public bool IsEmbedded => Garnet is not null;

    private RecommenderStore(string connectionString, EmbeddedGarnet? garnet)
    {
        ConnectionString = connectionString;
        Garnet = garnet;
    }

    public static RecommenderStore Open(IConfiguration configuration, ILoggerFactory? loggerFactory = null)
    {
        if (RedisConnection.Configured(configuration) is { } external) return new RecommenderStore(external, null);
        var options = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        var garnet = new EmbeddedGarnet(options, loggerFactory);
        return new RecommenderStore(garnet.ConnectionString, garnet);
    }

    public static RecommenderStore External(string connectionString) => new(connectionString, null);

    /// <summary>An embedded Garnet on <paramref name="options"/>, started now (outside a host).</summary>
    public static RecommenderStore Embedded(StorageOptions options) => new EmbeddedGarnet(options).Start() is var g ? new(g.ConnectionString, g) : throw new InvalidOperationException();

    public void Dispose() => Garnet?.Dispose();
}
