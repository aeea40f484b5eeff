using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Recommender.AppHost.Redis;
using Recommender.Silo.Storage;
using Recommender.Tests.Cluster;
using Recommender.Tests.Infrastructure;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Recommender.Tests.AppHost;

/// <summary>
/// Recommender.AppHost under Aspire.Hosting.Testing, on a machine without a container engine:
/// DCP starts redis-server as an executable, two silos and the API as projects, wired only by
/// Aspire's configuration (Orleans__*, ConnectionStrings__redis); a recommendation is served through it.
/// </summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class AppHostTests(ITestOutputHelper output)
{
    private const string ServiceId = "recommender";
    private static readonly string[] ResourceNames = ["redis", "silo1", "silo2", "api"];

    [SkippableFact]
    public async Task The_topology_starts_without_a_container_runtime_and_serves_a_recommendation()
    {
        Requirements.SkipUnless(Requirements.FindExecutable("redis-server") is not null, "redis-server is not installed (apt-get install redis-server)");
        // Bounded: two silos and the API start with `dotnet run` on two busy cores, seed and train the demo.
        using var budget = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        var clusterId = "aspire-" + Guid.NewGuid().ToString("N")[..8];
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Recommender_AppHost>(
            [$"{RecommenderRedisExtensions.RuntimeKey}=executable", $"Cluster:ClusterId={clusterId}"], budget.Token);
        // The model holds no container at all: Redis is the redis-server executable.
        Assert.IsType<RedisServerResource>(builder.Resources.Single(r => r.Name == "redis"));
        Assert.Empty(builder.Resources.OfType<ContainerResource>());

        await using var app = await builder.BuildAsync(budget.Token);
        var logs = new ConcurrentQueue<string>();
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(budget.Token);
        var watchers = ResourceNames.Select(name => CollectLogsAsync(app, name, logs, watching.Token)).ToArray();
        try
        {
            await app.StartAsync(budget.Token);
            foreach (var name in ResourceNames) await WaitUntilHealthyAsync(app, name, budget.Token);

            // Both silos joined one cluster through the Aspire-started Redis.
            var redisConnection = await app.GetConnectionStringAsync("redis", budget.Token);
            Assert.False(string.IsNullOrEmpty(redisConnection));
            var silos = await ActiveSilosAsync(redisConnection!, clusterId, budget.Token);
            Assert.Equal(2, silos);

            using var http = app.CreateHttpClient("api", "http");
            http.Timeout = TimeSpan.FromSeconds(30);
            const string user = "aspire-alice";
            string[] liked = ["item-001", "item-002", "item-003"];
            using (var posted = await http.PostAsJsonAsync("/api/v1/events",
                       liked.Select((item, i) => new { userId = user, itemId = item, type = "like", eventId = $"aspire-e{i}" }), budget.Token))
            {
                Assert.True(posted.IsSuccessStatusCode, $"POST /api/v1/events: {(int)posted.StatusCode} {await posted.Content.ReadAsStringAsync(budget.Token)}");
                using var accepted = JsonDocument.Parse(await posted.Content.ReadAsStringAsync(budget.Token));
                Assert.Equal(liked.Length, accepted.RootElement.GetProperty("accepted").GetInt32());
            }

            using var answer = await http.GetAsync($"/api/v1/users/{user}/recommendations?k=5", budget.Token);
            var body = await answer.Content.ReadAsStringAsync(budget.Token);
            output.WriteLine($"recommendations: {body}");
            Assert.True(answer.IsSuccessStatusCode, $"GET recommendations: {(int)answer.StatusCode} {body}");
            using var list = JsonDocument.Parse(body);
            var items = list.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("itemId").GetString()!).ToArray();
            Assert.Equal(5, items.Length);
            Assert.Empty(items.Intersect(liked)); // what the user liked is not recommended back
            Assert.Equal(items.Length, items.Distinct().Count());

            // The events are in the Redis Aspire started, under the service id the AppHost gave the silos.
            await using var redis = await ConnectionMultiplexer.ConnectAsync(redisConnection!);
            Assert.Equal(liked.Length, await redis.GetDatabase().ListLengthAsync($"reco:{ServiceId}:log:{user}"));
        }
        catch
        {
            output.WriteLine("--- resource logs ---");
            foreach (var line in logs) output.WriteLine(line);
            throw;
        }
        finally
        {
            await watching.CancelAsync();
            await Task.WhenAll(watchers);
        }
    }

    /// <summary>Healthy, or a failure as soon as the resource has ended (a crashed silo fails the test at once, not at the budget's end).</summary>
    private static async Task WaitUntilHealthyAsync(DistributedApplication app, string name, CancellationToken cancellationToken)
    {
        var reached = await app.ResourceNotifications.WaitForResourceAsync(name,
            e => e.Snapshot.HealthStatus == HealthStatus.Healthy || KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text),
            cancellationToken);
        if (reached.Snapshot.HealthStatus != HealthStatus.Healthy)
            throw new InvalidOperationException($"'{name}' ended ({reached.Snapshot.State?.Text}, exit code {reached.Snapshot.ExitCode}) before it was healthy.");
    }

    private static async Task<int> ActiveSilosAsync(string redisConnection, string clusterId, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => { o.ServiceId = ServiceId; o.ClusterId = clusterId; });
            client.UseRedisClustering(o => o.ConfigurationOptions = RedisConnection.Options(redisConnection, TimeSpan.FromSeconds(5)));
        });
        using var inspector = builder.Build();
        await inspector.StartAsync(cancellationToken);
        try
        {
            var hosts = await inspector.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
            return hosts.Count;
        }
        finally
        {
            await inspector.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>Every line a resource writes, kept to be printed when the test fails.</summary>
    private static async Task CollectLogsAsync(DistributedApplication app, string resource, ConcurrentQueue<string> logs, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var batch in app.Services.GetRequiredService<ResourceLoggerService>().WatchAsync(resource).WithCancellation(cancellationToken))
                foreach (var line in batch) logs.Enqueue($"[{resource}] {line.Content}");
        }
        catch (OperationCanceledException) { }
    }
}
