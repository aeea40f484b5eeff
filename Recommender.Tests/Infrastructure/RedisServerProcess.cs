using System.Diagnostics;
using System.Net.Sockets;
using Recommender.Silo.Storage;

namespace Recommender.Tests.Infrastructure;

/// <summary>
/// A real redis-server on a free loopback port, with an fsync-always append-only file in a
/// temporary folder, so a restart of the process keeps the data. Null when no binary exists.
/// </summary>
public sealed class RedisServerProcess : IAsyncDisposable
{
    private readonly TempDirectory _dir;
    private Process? _process;

    public int Port { get; }
    public string ConnectionString => $"127.0.0.1:{Port}";

    private RedisServerProcess(TempDirectory dir, int port) { _dir = dir; Port = port; }

    public static string? Binary => Requirements.FindExecutable("redis-server", "/usr/bin/redis-server");

    public static async Task<RedisServerProcess> StartAsync()
    {
        Requirements.SkipUnless(Binary is not null, "redis-server (Redis 7) is not installed: apt-get install redis-server");
        var server = new RedisServerProcess(new TempDirectory(), EmbeddedGarnet.FreeLoopbackPort());
        await server.StartProcessAsync();
        return server;
    }

    /// <summary>Starts (or restarts) the server process on the same port and data folder.</summary>
    public async Task StartProcessAsync()
    {
        _process = Process.Start(new ProcessStartInfo(Binary!)
        {
            ArgumentList =
            {
                "--port", Port.ToString(), "--bind", "127.0.0.1", "--dir", _dir.Path, "--save", "",
                "--appendonly", "yes", "--appendfsync", "always", "--protected-mode", "yes",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port);
                return;
            }
            catch (SocketException) { await Task.Delay(50); }
        }
        throw new TimeoutException($"redis-server did not listen on {Port}");
    }

    /// <summary>Kills the server (SIGKILL): what is not in its append-only file is lost.</summary>
    public Task KillAsync() => _process.KillTreeAsync();

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        _dir.Dispose();
    }
}
