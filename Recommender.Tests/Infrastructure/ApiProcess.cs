using System.Diagnostics;
using System.Net.Http.Json;
using Recommender.Silo.Storage;

namespace Recommender.Tests.Infrastructure;

/// <summary>
/// Recommender.Api in local mode as a child process (its own embedded Garnet in a data folder
/// that outlives the process), so a test can SIGKILL it and start it again on the same data.
/// </summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private readonly string _dataDir;
    private readonly int _garnetPort = EmbeddedGarnet.FreeLoopbackPort();
    private readonly int _siloPort = EmbeddedGarnet.FreeLoopbackPort();
    private readonly int _gatewayPort = EmbeddedGarnet.FreeLoopbackPort();
    private readonly Dictionary<string, string> _settings;
    private Process? _process;
    private readonly System.Text.StringBuilder _output = new();

    public int Port { get; } = EmbeddedGarnet.FreeLoopbackPort();
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");
    public string Output { get { lock (_output) return _output.ToString(); } }

    public ApiProcess(string dataDir, IDictionary<string, string>? settings = null)
    {
        _dataDir = dataDir;
        _settings = new Dictionary<string, string>(settings ?? new Dictionary<string, string>());
    }

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>A started server on the demo catalogue whose first model is trained (what the taste bots need).</summary>
    public static async Task<ApiProcess> StartDemoAsync(string dataDir)
    {
        var server = new ApiProcess(dataDir, new Dictionary<string, string> { ["Recommender:SeedDemoCatalog"] = "true" });
        try
        {
            await server.StartAsync();
            using var http = server.CreateClient();
            await Eventually.Get(async () =>
                {
                    using var doc = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/api/v1/model"));
                    return doc.RootElement.GetProperty("version").GetInt64();
                },
                version => version >= 1, TimeSpan.FromSeconds(90), "the demo catalogue is seeded and its first model trained");
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async Task StartAsync()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Recommender.Api.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _dataDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add(dll);
        foreach (var (key, value) in new Dictionary<string, string>
                 {
                     ["urls"] = BaseAddress.ToString().TrimEnd('/'),
                     ["Storage:DataDir"] = Path.Combine(_dataDir, "store"),
                     ["Storage:GarnetPort"] = _garnetPort.ToString(),
                     ["Cluster:SiloPort"] = _siloPort.ToString(),
                     ["Cluster:GatewayPort"] = _gatewayPort.ToString(),
                     ["Recommender:SeedDemoCatalog"] = "false",
                     // Keys are required outside Development; tests that check security set it.
                     ["environment"] = _settings.GetValueOrDefault("environment", "Development"),
                 }.Concat(_settings.Where(s => s.Key != "environment")))
        {
            info.ArgumentList.Add($"--{key}={value}");
        }
        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = CreateClient();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"The API exited with {_process.ExitCode}:\n{Output}");
            try
            {
                var response = await http.GetAsync("/health/ready");
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException($"The API did not become ready:\n{Output}");
    }

    /// <summary>The server's process id (the dotnet host runs the app in its own process).</summary>
    public int ProcessId => _process!.Id;

    /// <summary>The server process's resident set size now.</summary>
    public long ResidentBytes()
    {
        _process!.Refresh();
        return _process.WorkingSet64;
    }

    /// <summary>SIGKILL: no shutdown hook runs, no snapshot is written, the embedded store dies with it.</summary>
    public Task KillAsync() => _process.KillTreeAsync();

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
    }
}
