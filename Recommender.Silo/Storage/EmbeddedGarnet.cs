using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Garnet;
using Garnet.server;
using Garnet.server.Auth.Settings;
using Microsoft.Extensions.Logging;

namespace Recommender.Silo.Storage;

/// <summary>
/// A Garnet server (Redis protocol) inside this process, bound to loopback, with what Orleans'
/// Redis providers need: Lua scripts (run as transactions), an append-only file committed after
/// every write, checkpoints and recovery from <see cref="StorageOptions.DataDir"/>. Writers that
/// acknowledge something wait for the commit with <see cref="WaitForCommitAsync"/>
/// (<see cref="EmbeddedGarnetCommit"/>): many writes share one commit.
/// <para>
/// Loopback is not private: any local process could connect, read or FLUSHALL. The server asks
/// for a password that only the service knows — random, generated on the data directory's first
/// start and kept in <see cref="PasswordFileName"/> inside it, readable by the service's user
/// alone (0600) — and <see cref="ConnectionString"/> carries it, so every connection the service
/// makes (grain storage, the event log, clustering, pub/sub, tests) authenticates. Per data
/// directory rather than per process start: a store restarted on the same data keeps its
/// password, so a connection string handed out before the restart still works.
/// </para>
/// </summary>
public sealed class EmbeddedGarnet : IDisposable
{
    /// <summary>The password's file inside <see cref="DataDir"/>.</summary>
    public const string PasswordFileName = "garnet.password";

    public int Port { get; }
    /// <summary>StackExchange.Redis syntax, password included: never log it.</summary>
    public string ConnectionString => $"127.0.0.1:{Port},password={Password}";
    /// <summary>What a client must send with AUTH.</summary>
    public string Password { get; }
    public string DataDir { get; }
    /// <summary>Acknowledged writes must be on disk (<see cref="StorageOptions.SyncCommit"/>).</summary>
    public bool SyncCommit { get; }

    private readonly StorageOptions _options;
    private readonly Lock _gate = new();
    private GarnetServer? _server;
    private bool _disposed;

    /// <summary>
    /// Decides the port and reads (or makes) the password — all a connection string needs — without
    /// starting the server: <see cref="Start"/> does that (in a host, <see cref="EmbeddedGarnetHost"/>,
    /// once the host starts rather than while its services are being registered).
    /// </summary>
    public EmbeddedGarnet(StorageOptions options, ILoggerFactory? loggerFactory = null)
    {
        _options = options;
        DataDir = Path.GetFullPath(options.DataDir);
        SyncCommit = options.SyncCommit;
        Directory.CreateDirectory(DataDir);
        Port = options.GarnetPort != 0 ? options.GarnetPort : FreeLoopbackPort();
        Password = ReadOrCreatePassword(DataDir, loggerFactory?.CreateLogger<EmbeddedGarnet>());
    }

    /// <summary>Whether <see cref="Start"/> ran (and <see cref="Dispose"/> did not yet).</summary>
    public bool IsRunning => _server is not null && !_disposed;

    /// <summary>Recovers the data directory and listens on <see cref="Port"/>. Idempotent.</summary>
    public EmbeddedGarnet Start(ILoggerFactory? loggerFactory = null)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_server is not null) return this;
            var server = new GarnetServer(new GarnetServerOptions
            {
                EndPoints = [new IPEndPoint(IPAddress.Loopback, Port)],
                AuthSettings = new PasswordAuthenticationSettings(Password),
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
                CommitFrequencyMs = _options.SyncCommit ? 0 : 100,
                WaitForCommit = _options.SyncCommit && _options.GarnetWaitsForCommit,
                Recover = true,
                QuietMode = true,
            }, loggerFactory);
            server.Start();
            _server = server;
            return this;
        }
    }

    /// <summary>Completes once everything written so far is committed to the append-only file.</summary>
    public async ValueTask WaitForCommitAsync(CancellationToken cancellationToken = default) =>
        await (_server ?? throw new InvalidOperationException("The embedded Garnet has not started.")).Store.WaitForCommitAsync(cancellationToken);

    /// <summary>Commits the append-only file and stops the server. Idempotent; a store never started has nothing to stop.</summary>
    public void Dispose()
    {
        GarnetServer? server;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            server = _server;
        }
        if (server is null) return;
        // A clean stop leaves nothing uncommitted behind.
        try { server.Store.CommitAOFAsync(CancellationToken.None).AsTask().Wait(TimeSpan.FromSeconds(5)); }
        catch (Exception) { /* disposing anyway */ }
        server.Dispose();
    }

    /// <summary>
    /// The data directory's password: read from <see cref="PasswordFileName"/>, or 32 random bytes
    /// (hex: nothing StackExchange.Redis' connection-string syntax would split on) written there
    /// with mode 0600 on the first start. A file others can read is narrowed back to 0600.
    /// </summary>
    public static string ReadOrCreatePassword(string dataDir, ILogger? logger = null)
    {
        var path = Path.Combine(dataDir, PasswordFileName);
        if (File.Exists(path))
        {
            if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & ~(UnixFileMode.UserRead | UnixFileMode.UserWrite)) != 0)
            {
                logger?.LogWarning("{File} was readable by others; narrowed to 0600 (the store's data was exposed to local users if they read it)", path);
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            var existing = File.ReadAllText(path).Trim();
            if (existing.Length >= 16 && !existing.Any(c => char.IsWhiteSpace(c) || c == ',' || char.IsControl(c))) return existing;
            // Empty or torn (a crash while writing it): nothing was ever protected by it, make a new one.
            File.Delete(path);
        }

        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var file = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) file.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(path, file))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(password);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }
        return password;
    }

    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
