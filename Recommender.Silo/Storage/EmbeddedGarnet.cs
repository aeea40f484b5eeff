using System.Net;
using System.Net.Sockets;
using Garnet;
using Garnet.server;
using Microsoft.Extensions.Logging;

namespace Recommender.Silo.Storage;

/// <summary>
/// A Garnet server (Redis protocol) inside this process, bound to loopback, with what Orleans'
/// Redis providers need: Lua scripts (run as transactions), an append-only file committed after
/// every write, checkpoints and recovery from <see cref="StorageOptions.DataDir"/>. Writers that
/// acknowledge something wait for the commit with <see cref="WaitForCommitAsync"/>
/// (<see cref="EmbeddedGarnetCommit"/>): many writes share one commit.
/// </summary>
public sealed class EmbeddedGarnet : IDisposable
{
    private readonly GarnetServer _server;

    public int Port { get; }
    public string ConnectionString => $"127.0.0.1:{Port}";
    public string DataDir { get; }
    /// <summary>Acknowledged writes must be on disk (<see cref="StorageOptions.SyncCommit"/>).</summary>
    public bool SyncCommit { get; }

    public EmbeddedGarnet(StorageOptions options, ILoggerFactory? loggerFactory = null)
    {
        DataDir = Path.GetFullPath(options.DataDir);
        SyncCommit = options.SyncCommit;
        Directory.CreateDirectory(DataDir);
        Port = options.GarnetPort != 0 ? options.GarnetPort : FreeLoopbackPort();
        _server = new GarnetServer(new GarnetServerOptions
        {
            EndPoints = [new IPEndPoint(IPAddress.Loopback, Port)],
            EnableLua = true,
            LuaTransactionMode = true,
            LuaOptions = new LuaOptions(loggerFactory?.CreateLogger("Garnet.Lua")),
            // The default device needs libaio and takes the process down without it.
            DeviceType = Tsavorite.core.DeviceType.RandomAccess,
            EnableStorageTier = true,
            LogDir = Path.Combine(DataDir, "log"),
            CheckpointDir = Path.Combine(DataDir, "checkpoints"),
            EnableAOF = true,
            // 0 = issue a commit of the AOF after every write. Garnet's own WaitForCommit would
            // hold each reply until then, spinning a thread per waiting session and serialising a
            // connection behind each fsync (~20 % of a batch ingest's CPU in spin-waits, profiled); instead the
            // event log awaits the commit itself, so concurrent appends share one (group commit).
            CommitFrequencyMs = options.SyncCommit ? 0 : 100,
            WaitForCommit = options.SyncCommit && options.GarnetWaitsForCommit,
            Recover = true,
            QuietMode = true,
        }, loggerFactory);
        _server.Start();
    }

    /// <summary>Completes once everything written so far is committed to the append-only file.</summary>
    public async ValueTask WaitForCommitAsync(CancellationToken cancellationToken = default) =>
        await _server.Store.WaitForCommitAsync(cancellationToken);

    public void Dispose()
    {
        // A clean stop leaves nothing uncommitted behind.
        try { _server.Store.CommitAOFAsync(CancellationToken.None).AsTask().Wait(TimeSpan.FromSeconds(5)); }
        catch (Exception) { /* disposing anyway */ }
        _server.Dispose();
    }

    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
