using System.Diagnostics;
using System.Text;
using Recommender.Silo.Storage;

namespace Recommender.Tests.Infrastructure;

/// <summary>
/// A standalone <c>Recommender.Silo</c> as a child process (from the test output folder), joined to
/// a cluster through Redis clustering, so a test can SIGKILL it. Ports are free loopback ports.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly string _redis;
    private readonly string _serviceId;
    private readonly Dictionary<string, string> _settings;
    private readonly StringBuilder _output = new();
    private Process? _process;

    public string Name { get; }
    public int SiloPort { get; } = EmbeddedGarnet.FreeLoopbackPort();
    public int GatewayPort { get; } = EmbeddedGarnet.FreeLoopbackPort();
    public int HealthPort { get; } = EmbeddedGarnet.FreeLoopbackPort();
    public Uri HealthAddress => new($"http://127.0.0.1:{HealthPort}");
    public string Output { get { lock (_output) return _output.ToString(); } }
    public bool HasExited => _process is null || _process.HasExited;

    /// <summary>The endpoint Orleans knows this silo by (advertised address and silo port).</summary>
    public string Endpoint => $"127.0.0.1:{SiloPort}";

    public SiloProcess(string name, string redisConnectionString, string serviceId, IDictionary<string, string>? settings = null)
    {
        Name = name;
        _redis = redisConnectionString;
        _serviceId = serviceId;
        _settings = new Dictionary<string, string>(settings ?? new Dictionary<string, string>());
    }

    public async Task StartAsync()
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Recommender.Silo.dll"));
        foreach (var (key, value) in new Dictionary<string, string>
                 {
                     ["urls"] = HealthAddress.ToString().TrimEnd('/'),
                     ["ConnectionStrings:redis"] = _redis,
                     ["Cluster:ServiceId"] = _serviceId,
                     ["Cluster:ClusterId"] = _serviceId,
                     ["Cluster:SiloPort"] = SiloPort.ToString(),
                     ["Cluster:GatewayPort"] = GatewayPort.ToString(),
                 }.Concat(_settings))
        {
            info.ArgumentList.Add($"--{key}={value}");
        }
        // The silo reads RECO_REDIS too: make sure the test's connection string is the one used.
        info.Environment.Remove(RedisConnection.EnvironmentVariable);
        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = HealthAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"Silo {Name} exited with {_process.ExitCode}:\n{Output}");
            try
            {
                if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException($"Silo {Name} did not become ready:\n{Output}");
    }

    /// <summary>SIGKILL: the silo leaves without telling anyone; the others must detect it.</summary>
    public Task KillAsync() => _process.KillTreeAsync();

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
    }
}
