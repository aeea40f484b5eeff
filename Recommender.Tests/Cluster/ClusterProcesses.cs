using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Recommender.Silo.Storage;
using Recommender.Tests.Infrastructure;

namespace Recommender.Tests.Cluster;

/// <summary>Tests that start whole clusters of processes run one at a time (the machine has few cores).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessClusterCollection
{
    public const string Name = "Process clusters";
}

/// <summary>
/// A real cluster on loopback: one redis-server, silos as child processes, API nodes in cluster
/// mode as child processes, and an Orleans client in the test process that reads where grains
/// live through the management grain.
/// </summary>
public sealed class ClusterProcesses : IAsyncDisposable
{
    /// <summary>Failure detection shortened so a SIGKILLed silo is declared dead within seconds.</summary>
    public static readonly IReadOnlyDictionary<string, string> FastFailureDetection = new Dictionary<string, string>
    {
        ["Cluster:Membership:ProbeTimeout"] = "00:00:01",
        ["Cluster:Membership:NumMissedProbesLimit"] = "2",
        ["Cluster:Messaging:ResponseTimeout"] = "00:00:05",
        ["Recommender:SnapshotInterval"] = "00:00:01",
    };

    private readonly TempDirectory _apiData = new();
    private IHost? _inspector;

    public RedisServerProcess Redis { get; }
    public string ServiceId { get; } = "cl-" + Guid.NewGuid().ToString("N")[..8];
    public List<SiloProcess> Silos { get; } = [];
    public List<ApiProcess> Apis { get; } = [];
    public IClusterClient Client => _inspector!.Services.GetRequiredService<IClusterClient>();

    private ClusterProcesses(RedisServerProcess redis) => Redis = redis;

    public static async Task<ClusterProcesses> StartAsync(int silos, int apis)
    {
        var cluster = new ClusterProcesses(await RedisServerProcess.StartAsync());
        try
        {
            for (var i = 0; i < silos; i++)
                cluster.Silos.Add(new SiloProcess($"silo{i + 1}", cluster.Redis.ConnectionString, cluster.ServiceId, new Dictionary<string, string>(FastFailureDetection)));
            // Sequentially: two silos joining at once on two cores mostly wait for each other.
            foreach (var silo in cluster.Silos) await silo.StartAsync();
            for (var i = 0; i < apis; i++)
            {
                var dir = Directory.CreateDirectory(Path.Combine(cluster._apiData.Path, $"api{i + 1}")).FullName;
                cluster.Apis.Add(new ApiProcess(dir, new Dictionary<string, string>
                {
                    ["Recommender:Mode"] = "Cluster",
                    ["ConnectionStrings:redis"] = cluster.Redis.ConnectionString,
                    ["Cluster:ServiceId"] = cluster.ServiceId,
                    ["Cluster:ClusterId"] = cluster.ServiceId,
                    ["Security:RequireApiKeys"] = "false",
                    ["Cluster:Messaging:ResponseTimeout"] = FastFailureDetection["Cluster:Messaging:ResponseTimeout"],
                }));
            }
            await Task.WhenAll(cluster.Apis.Select(a => a.StartAsync()));

            var builder = Host.CreateApplicationBuilder();
            builder.Logging.ClearProviders();
            builder.UseOrleansClient(client =>
            {
                client.Configure<ClusterOptions>(o => { o.ServiceId = cluster.ServiceId; o.ClusterId = cluster.ServiceId; });
                client.UseRedisClustering(o => o.ConfigurationOptions = RedisConnection.Options(cluster.Redis.ConnectionString, TimeSpan.FromSeconds(5)));
            });
            cluster._inspector = builder.Build();
            await cluster._inspector.StartAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>User grains activated on each silo (its own activations, as the silo reports them), keyed by silo endpoint.</summary>
    public async Task<Dictionary<string, HashSet<string>>> UsersBySiloAsync(IReadOnlyCollection<string> users)
    {
        var management = Client.GetGrain<IManagementGrain>(0);
        var hosts = await management.GetHosts(onlyActive: true);
        var result = new Dictionary<string, HashSet<string>>();
        foreach (var silo in hosts.Keys)
        {
            var stats = await management.GetDetailedGrainStatistics(null, [silo]);
            result[silo.Endpoint.ToString()] = stats
                .Where(s => s.GrainId.Type.ToString() == "user")
                .Select(s => s.GrainId.Key.ToString()!)
                .Where(users.Contains)
                .ToHashSet();
        }
        return result;
    }

    /// <summary>Each user's export: event ids in log order and the profile's total.</summary>
    public static async Task<Dictionary<string, (string[] EventIds, int TotalEvents)>> ExportsAsync(HttpClient http, IEnumerable<string> users)
    {
        var result = new Dictionary<string, (string[], int)>();
        foreach (var user in users)
        {
            var response = await http.GetAsync($"/api/v1/users/{user}/export");
            if (response.StatusCode == HttpStatusCode.NotFound) { result[user] = ([], 0); continue; }
            response.EnsureSuccessStatusCode();
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var ids = doc.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("eventId").GetString()!).ToArray();
            result[user] = (ids, doc.RootElement.GetProperty("profile").GetProperty("totalEvents").GetInt32());
        }
        return result;
    }

    public static Task<HttpResponseMessage> PostAsync(HttpClient http, object events, CancellationToken cancellationToken = default) =>
        http.PostAsJsonAsync("/api/v1/events", events, cancellationToken);

    public string Logs() => string.Join("\n", Silos.Select(s => $"--- {s.Name} ---\n{Tail(s.Output)}").Concat(Apis.Select((a, i) => $"--- api{i + 1} ---\n{Tail(a.Output)}")));

    private static string Tail(string text) => text.Length <= 4000 ? text : text[^4000..];

    public async ValueTask DisposeAsync()
    {
        if (_inspector is not null)
        {
            try { await _inspector.StopAsync(TimeSpan.FromSeconds(5)); } catch (Exception) { }
            _inspector.Dispose();
        }
        foreach (var api in Apis) await api.DisposeAsync();
        foreach (var silo in Silos) await silo.DisposeAsync();
        await Redis.DisposeAsync();
        _apiData.Dispose();
    }
}
