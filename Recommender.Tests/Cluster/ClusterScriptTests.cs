using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using Recommender.Silo.Storage;
using Recommender.Tests.Infrastructure;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Recommender.Tests.Cluster;

/// <summary>
/// Runs the real <c>scripts/cluster.sh</c> (on free ports, a temporary data folder, the test
/// output's dlls instead of a Release build) and checks what issue #12 asked of it: the API in
/// Production answers the printed admin key and refuses calls without one, the two silos that
/// start together seed the demo catalog exactly once (and a restart does not seed it again), the
/// page's own calls work with a printed key (the page, a demo user's ranking, an event, its push
/// over the hub), and a stop takes under 15 s.
/// </summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class ClusterScriptTests(ITestOutputHelper output)
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(150);
    private static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(15);

    [SkippableFact]
    public async Task Script_starts_a_seeded_cluster_with_printed_keys_seeds_once_and_stops_in_seconds()
    {
        Requirements.SkipUnless(RedisServerProcess.Binary is not null, "redis-server (Redis 7) is not installed: apt-get install redis-server");
        Requirements.SkipUnless(Requirements.FindExecutable("curl") is not null, "curl is not installed");
        using var data = new TempDirectory();
        var ports = new ScriptPorts();
        var serviceId = "script-" + Guid.NewGuid().ToString("N")[..8];

        string adminKey;
        await using (var first = await ScriptRun.StartAsync(ports, data.Path, serviceId, output))
        {
            // The keys: in a file only this user may read, printed with curl examples.
            var keysFile = Path.Combine(data.Path, "api-keys.env");
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keysFile));
            var keys = ReadKeys(keysFile);
            adminKey = keys["RECO_ADMIN_KEY"];
            Assert.All(keys.Values, k => Assert.True(k.Length >= 16));
            Assert.Equal(3, keys.Values.Distinct().Count());
            Assert.Contains($"admin  {adminKey}", first.Output);
            Assert.Contains($"curl -s -H 'X-Api-Key: {keys["RECO_READ_KEY"]}'", first.Output);

            using var http = new HttpClient { BaseAddress = ports.Api, Timeout = TimeSpan.FromSeconds(30) };
            // Production: no key, no answer — the API, /metrics and /dashboard alike.
            foreach (var path in new[] { "/api/v1/items", "/metrics", "/dashboard/", "/api/v1/model" })
                Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(path)).StatusCode);
            var items = await GetJsonAsync(http, "/api/v1/items?limit=1", adminKey);
            Assert.Equal(300, items.GetProperty("total").GetInt32());
            var model = await GetJsonAsync(http, "/api/v1/model", keys["RECO_READ_KEY"]);
            Assert.True(model.GetProperty("version").GetInt64() >= 1, model.ToString());
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(http, "/metrics", keys["RECO_READ_KEY"])).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(http, "/dashboard/", adminKey)).StatusCode);
            var export = await GetJsonAsync(http, "/api/v1/users/demo-bot-001/export", adminKey);
            Assert.Equal(25, export.GetProperty("events").GetArrayLength());

            // Seeded once though both silos started together and both had the seeder on.
            await AssertSeededOnceAsync(ports, serviceId, first);
            var modelVersion = model.GetProperty("version").GetInt64();

            var stop = await first.StopAsync();
            output.WriteLine($"first stop: {stop.TotalSeconds:F1} s");
            Assert.True(stop < StopLimit, $"stopping took {stop.TotalSeconds:F1} s\n{first.Output}");
            Assert.DoesNotContain("Graceful shutdown aborted", first.SiloLogs());
            Assert.Contains("stopped silo1", first.Output);
            Assert.Contains("stopped redis", first.Output);
            Assert.True(first.Output.IndexOf("stopped api", StringComparison.Ordinal) < first.Output.IndexOf("stopped silo1", StringComparison.Ordinal)
                        && first.Output.IndexOf("stopped silo2", StringComparison.Ordinal) < first.Output.IndexOf("stopped redis", StringComparison.Ordinal),
                "the order is API, silos, Redis:\n" + first.Output);

            // A restart on the same data: the same keys, and the demo is not seeded again.
            await using var second = await ScriptRun.StartAsync(ports, data.Path, serviceId, output);
            Assert.Equal(keys, ReadKeys(keysFile));
            Assert.Contains("demo catalog: seeded at", second.Output);
            Assert.Equal(2, Regex.Matches(second.SiloLogs(), "Demo catalog: not seeding, the store's claim is taken").Count);
            Assert.DoesNotContain("Seeded the demo catalog", second.SiloLogs());
            Assert.Equal(300, (await GetJsonAsync(http, "/api/v1/items?limit=1", adminKey)).GetProperty("total").GetInt32());
            await AssertCountsAsync(ports, serviceId);
            Assert.Equal(modelVersion, (await GetJsonAsync(http, "/api/v1/model", adminKey)).GetProperty("version").GetInt64());
            await AssertThePagesCallsWorkAsync(http, keys); // after the counts: its event is one more
            var secondStop = await second.StopAsync();
            output.WriteLine($"second stop: {secondStop.TotalSeconds:F1} s");
            Assert.True(secondStop < StopLimit, $"stopping took {secondStop.TotalSeconds:F1} s\n{second.Output}");
        }
    }

    /// <summary>
    /// What the simulator does, with the keys the script printed: the page itself, a demo user's
    /// ranking over the hub, an event, and the push that event causes (the user's grain lives in a
    /// silo process; the API hosts none).
    /// </summary>
    private async Task AssertThePagesCallsWorkAsync(HttpClient http, IReadOnlyDictionary<string, string> keys)
    {
        var page = await SendAsync(http, "/", keys["RECO_ADMIN_KEY"]);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Recommender simulator", await page.Content.ReadAsStringAsync());

        const string user = "demo-bot-002";
        await using var hub = new HubConnectionBuilder().WithUrl(new Uri(http.BaseAddress!, "/hubs/recommendations"),
            o => o.AccessTokenProvider = () => Task.FromResult<string?>(keys["RECO_READ_KEY"])).Build();
        var pushes = Channel.CreateUnbounded<JsonElement>();
        hub.On<JsonElement>("rankingChanged", m => pushes.Writer.TryWrite(m));
        await hub.StartAsync();
        var current = await hub.InvokeAsync<JsonElement>("Watch", user, 10);
        var items = current.GetProperty("items");
        Assert.Equal(10, items.GetArrayLength());
        var itemId = items[0].GetProperty("itemId").GetString()!;

        var eventId = "script-" + Guid.NewGuid().ToString("N");
        using var post = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events")
        {
            Content = JsonContent.Create(new { userId = user, itemId, type = "like", eventId }),
        };
        post.Headers.Add("X-Api-Key", keys["RECO_WRITE_KEY"]);
        var sent = Stopwatch.StartNew();
        var ack = await http.SendAsync(post);
        Assert.True(ack.IsSuccessStatusCode, $"{(int)ack.StatusCode} {await ack.Content.ReadAsStringAsync()}");

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        JsonElement push;
        do push = await pushes.Reader.ReadAsync(timeout.Token);
        while (push.GetProperty("cause") is not { ValueKind: JsonValueKind.Object } cause || cause.GetProperty("eventId").GetString() != eventId);
        output.WriteLine($"push for the event after {sent.Elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal(user, push.GetProperty("userId").GetString());
        Assert.DoesNotContain(push.GetProperty("items").EnumerateArray(), i => i.GetProperty("itemId").GetString() == itemId);
    }

    private static async Task AssertSeededOnceAsync(ScriptPorts ports, string serviceId, ScriptRun run)
    {
        var logs = run.SiloLogs();
        Assert.Single(Regex.Matches(logs, "Seeded the demo catalog"));
        Assert.Single(Regex.Matches(logs, "Demo catalog: not seeding"));
        await AssertCountsAsync(ports, serviceId);
    }

    /// <summary>The store holds one demo: 300 items, 120 users, 3,000 events (a second seeding would add to the counter or log "seeded" twice).</summary>
    private static async Task AssertCountsAsync(ScriptPorts ports, string serviceId)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(RedisConnection.Options($"127.0.0.1:{ports.Redis}", TimeSpan.FromSeconds(5)));
        var db = redis.GetDatabase();
        var prefix = $"reco:{serviceId}:";
        Assert.StartsWith("seeded at", (string?)await db.StringGetAsync(prefix + "demo-seed"));
        Assert.Equal(300, await db.HashLengthAsync(prefix + "catalog"));
        Assert.Equal(120, await db.SetLengthAsync(prefix + "users"));
        Assert.Equal(3000, (long)await db.StringGetAsync(prefix + "events"));
        Assert.Equal(25, await db.ListLengthAsync(prefix + "log:demo-bot-120"));
    }

    private static Dictionary<string, string> ReadKeys(string file) =>
        File.ReadAllLines(file).Where(l => l.StartsWith("RECO_", StringComparison.Ordinal))
            .Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, string path, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Api-Key", key);
        return await http.SendAsync(request);
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient http, string path, string key)
    {
        var response = await SendAsync(http, path, key);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private sealed class ScriptPorts
    {
        public int Redis { get; } = EmbeddedGarnet.FreeLoopbackPort();
        public int ApiPort { get; } = EmbeddedGarnet.FreeLoopbackPort();
        public int[] Silo { get; } = [EmbeddedGarnet.FreeLoopbackPort(), EmbeddedGarnet.FreeLoopbackPort()];
        public int[] Gateway { get; } = [EmbeddedGarnet.FreeLoopbackPort(), EmbeddedGarnet.FreeLoopbackPort()];
        public int[] Health { get; } = [EmbeddedGarnet.FreeLoopbackPort(), EmbeddedGarnet.FreeLoopbackPort()];
        public Uri Api => new($"http://127.0.0.1:{ApiPort}");
    }

    /// <summary>One run of the script, as a child process; disposing kills whatever is left (the script, then its children by the pids file).</summary>
    private sealed class ScriptRun : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();
        private readonly string _dataDir;
        private readonly ITestOutputHelper _log;

        private ScriptRun(Process process, string dataDir, ITestOutputHelper log) { _process = process; _dataDir = dataDir; _log = log; }

        public string Output { get { lock (_output) return _output.ToString(); } }

        public string SiloLogs() => string.Join("\n", Directory.GetFiles(Path.Combine(_dataDir, "logs"), "silo*.log").Select(File.ReadAllText));

        public static async Task<ScriptRun> StartAsync(ScriptPorts ports, string dataDir, string serviceId, ITestOutputHelper log)
        {
            var info = new ProcessStartInfo("bash")
            {
                WorkingDirectory = RepositoryRoot(),
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            info.ArgumentList.Add(Path.Combine(RepositoryRoot(), "scripts", "cluster.sh"));
            foreach (var name in new[] { "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT", RedisConnection.EnvironmentVariable, "ConnectionStrings__redis" })
                info.Environment.Remove(name);
            foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("Security__", StringComparison.Ordinal)).ToList())
                info.Environment.Remove(name);
            info.Environment["BIN_DIR"] = AppContext.BaseDirectory;
            info.Environment["DATA_DIR"] = dataDir;
            info.Environment["REDIS_PORT"] = ports.Redis.ToString();
            info.Environment["API_PORT"] = ports.ApiPort.ToString();
            info.Environment["SILO_PORTS"] = string.Join(' ', ports.Silo);
            info.Environment["GATEWAY_PORTS"] = string.Join(' ', ports.Gateway);
            info.Environment["SILO_HEALTH_PORTS"] = string.Join(' ', ports.Health);
            info.Environment["START_TIMEOUT"] = "100";
            info.Environment["STOP_TIMEOUT"] = "15";
            info.Environment["Cluster__ServiceId"] = serviceId;
            info.Environment["Cluster__ClusterId"] = serviceId;
            var run = new ScriptRun(Process.Start(info)!, dataDir, log);
            run._process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (run._output) run._output.AppendLine(e.Data); };
            run._process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (run._output) run._output.AppendLine(e.Data); };
            run._process.BeginOutputReadLine();
            run._process.BeginErrorReadLine();

            var clock = Stopwatch.StartNew();
            while (!run.Output.Contains("cluster ready in"))
            {
                if (run._process.HasExited || clock.Elapsed > StartLimit)
                {
                    var why = run._process.HasExited ? $"exited with {run._process.ExitCode}" : $"not ready within {StartLimit.TotalSeconds} s";
                    var text = run.Output + "\n" + run.AllLogs();
                    await run.DisposeAsync();
                    Assert.Fail($"cluster.sh {why}:\n{text}");
                }
                await Task.Delay(250);
            }
            log.WriteLine($"cluster.sh ready in {clock.Elapsed.TotalSeconds:F1} s");
            return run;
        }

        /// <summary>SIGTERM to the script (what Ctrl+C does to it) and the time until the script and every process it started are gone.</summary>
        public async Task<TimeSpan> StopAsync()
        {
            var children = ChildPids();
            var clock = Stopwatch.StartNew();
            Assert.Equal(0, SendSignal(_process.Id, 15));
            using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90)))
                await _process.WaitForExitAsync(cts.Token);
            while (children.Any(Alive) && clock.Elapsed < TimeSpan.FromSeconds(90)) await Task.Delay(100);
            var took = clock.Elapsed;
            _log.WriteLine(Output);
            Assert.False(children.Any(Alive), "processes left running after the script stopped");
            return took;
        }

        private List<int> ChildPids()
        {
            var file = Path.Combine(_dataDir, "pids");
            return File.Exists(file)
                ? [.. File.ReadAllLines(file).Select(l => l.Split(' ')).Where(p => p.Length == 2).Select(p => int.Parse(p[1]))]
                : [];
        }

        private static bool Alive(int pid)
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                return !stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
            }
            catch (IOException) { return false; }
        }

        private string AllLogs()
        {
            var dir = Path.Combine(_dataDir, "logs");
            if (!Directory.Exists(dir)) return "";
            return string.Join("\n", Directory.GetFiles(dir, "*.log").Select(f =>
            {
                var text = File.ReadAllText(f);
                return $"--- {Path.GetFileName(f)} ---\n{(text.Length > 3000 ? text[^3000..] : text)}";
            }));
        }

        public async ValueTask DisposeAsync()
        {
            var children = ChildPids();
            if (!_process.HasExited)
            {
                SendSignal(_process.Id, 9);
                await _process.WaitForExitAsync();
            }
            foreach (var pid in children.Where(Alive)) SendSignal(pid, 9);
            _process.Dispose();
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Recommender.sln"))) return dir.FullName;
        throw new InvalidOperationException("Recommender.sln not found above " + AppContext.BaseDirectory);
    }

    private static int SendSignal(int pid, int signal) => ChildProcesses.Signal(pid, signal);
}
