using Recommender.Silo.Storage;

namespace Recommender.Tests.Infrastructure;

/// <summary>An embedded Garnet in a temporary folder that can be stopped and started again on the same data.</summary>
public sealed class GarnetStore : IDisposable
{
    private readonly TempDirectory _dir = new();
    private EmbeddedGarnet? _garnet;

    public int Port { get; }
    /// <summary>With the data directory's password, which stays the same across <see cref="Stop"/> and <see cref="Start"/>.</summary>
    public string ConnectionString => $"127.0.0.1:{Port},password={EmbeddedGarnet.ReadOrCreatePassword(_dir.Path)}";
    public string DataDir => _dir.Path;

    public GarnetStore()
    {
        Port = EmbeddedGarnet.FreeLoopbackPort();
        Start();
    }

    public void Start() => _garnet = new EmbeddedGarnet(new StorageOptions { DataDir = _dir.Path, GarnetPort = Port }).Start();

    public void Stop()
    {
        _garnet?.Dispose();
        _garnet = null;
    }

    public void Dispose()
    {
        Stop();
        _dir.Dispose();
    }
}
