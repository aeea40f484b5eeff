using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Recommender.Grains.Telemetry;
using Recommender.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Recommender.Tests.Telemetry;

/// <summary>
/// Issue #16, point 4: one event is one trace — the HTTP request, the grain call it makes (Orleans'
/// activity propagation), the user grain's apply, the Redis commands of its log append, the grain's
/// call to the web server's observer and the SignalR push — with every span's parent in the trace.
/// The real API (Kestrel, co-hosted silo, embedded Garnet over the Redis protocol, SignalR over a
/// socket), the OpenTelemetry SDK with its in-memory exporter.
/// </summary>
public sealed class EventTraceTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly SpanCollection _spans = new();
    private ApiServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await ApiServer.StartAsync(
            new Dictionary<string, string> { ["Telemetry:Tracing"] = "true" },
            configure: b => b.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(_spans)));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task One_event_is_one_trace_from_the_request_to_the_push()
    {
        (await _server.HttpClient.PostAsJsonAsync("/api/v1/items",
            Enumerable.Range(1, 5).Select(i => new { itemId = $"otel-i{i}", title = $"Traced item {i}", categories = new[] { "Traced" } }))).EnsureSuccessStatusCode();

        // A watcher, so the event causes a push.
        await using var hub = new HubConnectionBuilder().WithUrl(new Uri(_server.BaseAddress, "/hubs/recommendations")).Build();
        var pushes = Channel.CreateUnbounded<JsonElement>();
        hub.On<JsonElement>("rankingChanged", m => pushes.Writer.TryWrite(m));
        await hub.StartAsync();
        await hub.InvokeAsync<JsonElement>("Watch", "otel-user", 3);

        // A first event of the user (its log's first append also registers the user: a batch).
        (await _server.HttpClient.PostAsJsonAsync("/api/v1/events", new { userId = "otel-user", itemId = "otel-i1", type = "view", eventId = "otel-e0" })).EnsureSuccessStatusCode();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            Assert.Equal("otel-e0", (await pushes.Reader.ReadAsync(timeout.Token)).GetProperty("cause").GetProperty("eventId").GetString());

        // The test is the caller: the event's trace continues the caller's span (this process's
        // HttpClient is instrumented too, so the request's own client span sits between them).
        // Sampled (flag 01): the service's parent-based sampler records what the caller records.
        var caller = new Activity("test caller").SetIdFormat(ActivityIdFormat.W3C);
        caller.ActivityTraceFlags = ActivityTraceFlags.Recorded;
        caller.Start();
        var traceId = caller.TraceId;
        try
        {
            (await _server.HttpClient.PostAsJsonAsync("/api/v1/events", new { userId = "otel-user", itemId = "otel-i2", type = "like", eventId = "otel-e1" })).EnsureSuccessStatusCode();
        }
        finally
        {
            caller.Stop();
        }
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            Assert.Equal("otel-e1", (await pushes.Reader.ReadAsync(timeout.Token)).GetProperty("cause").GetProperty("eventId").GetString());

        // Redis command spans are made from StackExchange.Redis' profiler after the commands complete
        // (polled every 100 ms or more): wait until the push and a command of the append are there.
        Activity[] trace = [];
        try
        {
            trace = await Eventually.Get(
                () => Task.FromResult(_spans.Snapshot().Where(s => s.TraceId == traceId).ToArray()),
                spans => spans.Any(s => s.OperationName == RecommenderTracing.PushSpan) && spans.Any(IsRedis),
                TimeSpan.FromSeconds(30), "the push span and a Redis command span in the event's trace");
        }
        finally
        {
            output.WriteLine(Describe(_spans.Snapshot().Where(s => s.TraceId == traceId).ToArray()));
            if (trace.Length == 0) output.WriteLine("All: " + Describe(_spans.Snapshot()));
        }

        // The caller's HTTP client span, then ASP.NET Core's server span under it.
        var client = Assert.Single(trace, s => s.ParentSpanId == caller.SpanId);
        Assert.Equal(ActivityKind.Client, client.Kind);
        var root = Assert.Single(trace, s => s.ParentSpanId == client.SpanId);
        Assert.Equal("Microsoft.AspNetCore", root.Source.Name);
        Assert.Equal(ActivityKind.Server, root.Kind);
        Assert.Equal("POST", root.GetTagItem("http.request.method"));
        Assert.Equal("/api/v1/events/", root.GetTagItem("http.route"));

        // Every other span hangs off a span of this trace: one tree, no orphan.
        var byId = trace.ToDictionary(s => s.SpanId);
        Assert.All(trace.Where(s => s != client), s => Assert.True(byId.ContainsKey(s.ParentSpanId), $"{s.Source.Name} {s.DisplayName}: parent {s.ParentSpanId} is not in the trace"));

        // HTTP server → Orleans client call IUserGrain.Record → its server side in the silo → user.record.
        var recordClient = Assert.Single(trace, s => s.Source.Name == "Microsoft.Orleans.Application" && s.Kind == ActivityKind.Client && IsUserRecord(s));
        Assert.Equal(root.SpanId, recordClient.ParentSpanId);
        var recordServer = Assert.Single(trace, s => s.Source.Name == "Microsoft.Orleans.Application" && s.Kind == ActivityKind.Server && IsUserRecord(s));
        Assert.Equal(recordClient.SpanId, recordServer.ParentSpanId);
        var apply = Assert.Single(trace, s => s.OperationName == RecommenderTracing.RecordSpan);
        Assert.Equal(recordServer.SpanId, apply.ParentSpanId);

        // The log append's Redis commands are the user grain's children.
        var commands = trace.Where(IsRedis).ToArray();
        Assert.NotEmpty(commands);
        Assert.All(commands, c => Assert.Equal(ActivityKind.Client, c.Kind));
        Assert.Contains(commands, c => c.ParentSpanId == apply.SpanId);

        // The push: under the grain's call to the observer, itself under user.record.
        var push = Assert.Single(trace, s => s.OperationName == RecommenderTracing.PushSpan);
        Assert.Equal(ActivityKind.Producer, push.Kind);
        var chain = Ancestors(push, byId).ToList();
        Assert.Contains(apply, chain);
        Assert.Contains(chain.TakeWhile(a => a != apply), a => a.Source.Name == "Microsoft.Orleans.Application" && a.DisplayName.Contains("RankingChanged", StringComparison.Ordinal));
        Assert.Equal(root, chain[^2]);
    }

    private static bool IsRedis(Activity s) => s.Source.Name.Contains("StackExchangeRedis", StringComparison.Ordinal);

    private static bool IsUserRecord(Activity s) => s.DisplayName.Contains("IUserGrain", StringComparison.Ordinal) && s.DisplayName.Contains("Record", StringComparison.Ordinal);

    private static IEnumerable<Activity> Ancestors(Activity span, Dictionary<ActivitySpanId, Activity> byId)
    {
        for (var s = span; byId.TryGetValue(s.ParentSpanId, out var parent); s = parent) yield return parent;
    }

    private static string Describe(Activity[] spans)
    {
        var text = new StringBuilder($"{spans.Length} spans in the trace:\n");
        foreach (var s in spans.OrderBy(s => s.StartTimeUtc))
            text.AppendLine($"{s.SpanId} ← {s.ParentSpanId}  [{s.Source.Name}] {s.Kind} {s.DisplayName} ({s.Duration.TotalMilliseconds:F2} ms)");
        return text.ToString();
    }
}
