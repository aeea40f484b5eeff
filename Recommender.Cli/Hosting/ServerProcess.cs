using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Recommender.Client.Api;

namespace Recommender.Client.Hosting;

/// <summary>
/// A private, fresh instance of the service for one evaluation fold:
/// <c>dotnet Recommender.Api.dll --urls http://127.0.0.1:&lt;free port&gt; --Storage:DataDir=&lt;fresh temp dir&gt;
/// --Recommender:SeedDemoCatalog=false</c> (plus free silo ports and no API keys), its output in <c>server.log</c> beside the data. Disposing kills
/// the whole process tree and deletes the folder (kept when the server failed, for the log).
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private bool _keepFolder;

    private ServerProcess(Process process, StreamWriter log, Uri url, string folder)
    {
        _process = process;
        _log = log;
        Url = url;
        Folder = folder;
    }

    public Uri Url { get; }

    /// <summary>Temp folder holding <c>data/</c> and <c>server.log</c>.</summary>
    public string Folder { get; }

    public string LogPath => Path.Combine(Folder, "server.log");

    public static async Task<ServerProcess> StartAsync(
        string dllPath,
        IEnumerable<string> extraArguments,
        string? apiKey,
        TimeSpan readyTimeout,
        CancellationToken ct)
    {
        var port = FreeLoopbackPort();
        var url = new Uri($"http://127.0.0.1:{port}");
        var folder = Path.Combine(Path.GetTempPath(), "reco-eval-" + Guid.NewGuid().ToString("N")[..12]);
        var dataDir = Path.Combine(folder, "data");
        Directory.CreateDirectory(dataDir);

        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dllPath)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dllPath);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(url.AbsoluteUri.TrimEnd('/'));
        start.ArgumentList.Add($"--Storage:DataDir={dataDir}");
        start.ArgumentList.Add("--Recommender:SeedDemoCatalog=false");
        // A private loopback server: its own ports (so it runs beside a dev server), and no API
        // keys (nothing but this process talks to it; extra arguments can turn them back on).
        start.ArgumentList.Add($"--Cluster:SiloPort={FreeLoopbackPort()}");
        start.ArgumentList.Add($"--Cluster:GatewayPort={FreeLoopbackPort()}");
        start.ArgumentList.Add($"--Storage:GarnetPort={FreeLoopbackPort()}");
        start.ArgumentList.Add("--Security:RequireApiKeys=false");
        foreach (var argument in extraArguments)
        {
            start.ArgumentList.Add(argument);
        }

        var log = new StreamWriter(Path.Combine(folder, "server.log")) { AutoFlush = true };
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => WriteLine(log, e.Data);
        process.ErrorDataReceived += (_, e) => WriteLine(log, e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException("Could not start dotnet.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, log, url, folder);
        AppDomain.CurrentDomain.ProcessExit += server.KillOnExit;

        try
        {
            await server.WaitReadyAsync(apiKey, readyTimeout, ct).ConfigureAwait(false);
            return server;
        }
        catch
        {
            server._keepFolder = true;
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The last lines of the server's output (for error messages).</summary>
    public static string Tail(string logPath, int lines = 30)
    {
        try
        {
            using var stream = new FileStream(logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException)
        {
            return "";
        }
    }

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= KillOnExit;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or System.ComponentModel.Win32Exception)
        {
            // Already gone, or refused to die in time: nothing more a client can do.
        }

        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }

        if (!_keepFolder)
        {
            for (var attempt = 0; attempt < 5; attempt++)
            {
                try
                {
                    Directory.Delete(Folder, recursive: true);
                    break;
                }
                catch (IOException)
                {
                    await Task.Delay(200).ConfigureAwait(false);
                }
                catch (UnauthorizedAccessException)
                {
                    await Task.Delay(200).ConfigureAwait(false);
                }
            }
        }
    }

    private async Task WaitReadyAsync(string? apiKey, TimeSpan timeout, CancellationToken ct)
    {
        using var client = new RecommenderClient(Url, apiKey);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                throw new InvalidOperationException(
                    $"The server exited with code {_process.ExitCode} before it was ready. Log {LogPath}:\n{Tail(LogPath)}");
            }

            using (var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                attempt.CancelAfter(TimeSpan.FromSeconds(5));
                try
                {
                    if (await client.IsReadyAsync(attempt.Token).ConfigureAwait(false))
                    {
                        return;
                    }
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    // that probe timed out; try again
                }
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException(
                    $"The server at {Url} was not ready after {timeout.TotalSeconds:0} s. Log {LogPath}:\n{Tail(LogPath)}");
            }

            await Task.Delay(250, ct).ConfigureAwait(false);
        }
    }

    private void KillOnExit(object? sender, EventArgs e)
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    private static void WriteLine(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
