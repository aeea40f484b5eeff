using System.Net;
using System.Net.Sockets;
using Garnet;
using Garnet.server;
using Microsoft.Extensions.Logging;

namespace Recommender.Silo.Storage;

/// <summary>
/// A Garnet server (Redis protocol) inside this process, bound to loopback, with what Orleans'
/// Redis providers need: Lua scripts (run as transactions), an append-only file committed before
/// each reply for durability, checkpoints and recovery from <see cref="StorageOptions.DataDir"/>.
/// </summary>
public sealed class EmbeddedGarnet : IDisposable
{
    private readonly GarnetServer _server;

    public int Port { get; }
    public string ConnectionString => $"127.0.0.1:{Port}";
    public string DataDir { get; }

    public EmbeddedGarnet(StorageOptions options, ILoggerFactory? loggerFactory = null)
    {
        DataDir = Path.GetFullPath(options.DataDir);
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
            // 0 = commit the AOF on every write; with WaitForCommit the reply waits for it, so an
            // acknowledged write survives a SIGKILL of this process.
            CommitFrequencyMs = options.SyncCommit ? 0 : 100,
            WaitForCommit = options.SyncCommit,
            Recover = true,
            QuietMode = true,
        }, loggerFactory);
        _server.Start();
    }

    public void Dispose() => _server.Dispose();

    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
