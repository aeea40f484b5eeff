using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Recommender.Silo.Demo;
using Recommender.Silo.Hosting;
using Recommender.Tests.Infrastructure;

namespace Recommender.Tests.Api;

/// <summary>
/// The service as <c>dotnet run --project Recommender.Api</c> starts it — Development, embedded
/// Garnet, the demo catalog seeded — with the drift check every second instead of every 30 s, and
/// every log entry from the start captured.
/// </summary>
public sealed class SeededServer : IAsyncLifetime
{
    public const string DriftCheckPeriod = "00:00:01";
    public ApiServer Server { get; private set; } = null!;
    public LogCapture Logs { get; } = new();

    public async Task InitializeAsync() => Server = await ApiServer.StartAsync(new Dictionary<string, string>
        {
            ["Recommender:SeedDemoCatalog"] = "true",
            ["Model:DriftCheckPeriod"] = DriftCheckPeriod,
            // What is trained does not matter here, only when and on what: the configured settings train in a second.
            ["Model:Tuning:Enabled"] = "false",
            ["Logging:LogLevel:Default"] = "Information",
        },
        configure: builder => builder.Logging.AddProvider(Logs));

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>Start-up (issue #12, points 12–13): one first training after the demo seeding, no spurious watchdog stall (readiness: <see cref="ModelReadinessTests"/>).</summary>
public sealed class StartupTests(SeededServer seeded) : IClassFixture<SeededServer>
{
    private const int DemoEvents = DemoCatalogSeeder.BackgroundUsers * DemoCatalogSeeder.EventsPerUser;

    [Fact]
    public async Task The_first_model_is_trained_once_on_the_demo_events_and_no_drift_retraining_follows()
    {
        var http = seeded.Server.HttpClient;
        // Polling from the start also activates the model grain early: its drift check (every
        // second here) must not start a 'first training' on half the seeding's events.
        var model = await Eventually.Get(() => http.GetFromJsonAsync<JsonElement>("/api/v1/model"),
            m => m.GetProperty("version").GetInt64() >= 1 && m.GetProperty("status").GetString() != "training",
            TimeSpan.FromSeconds(120), "the demo is seeded and its first model trained");

        Assert.Equal(1, model.GetProperty("version").GetInt64());
        Assert.Equal("demo catalog seeded", model.GetProperty("lastTrigger").GetString());
        Assert.Equal(DemoEvents, model.GetProperty("eventsAtTraining").GetInt64());

        // Several drift checks later (the counters flush once a second): nothing to retrain for.
        await Task.Delay(TimeSpan.FromSeconds(6));
        var later = await http.GetFromJsonAsync<JsonElement>("/api/v1/model");
        Assert.True(later.GetProperty("version").GetInt64() == 1 && later.GetProperty("status").GetString() == "idle",
            $"a second training followed the first: {later}");
        Assert.Equal(0, later.GetProperty("eventsSinceTraining").GetInt64());
        var trainings = seeded.Logs.Entries.Where(e => e.Message.StartsWith("Training model ", StringComparison.Ordinal)).Select(e => e.Message).ToArray();
        Assert.True(trainings.Length == 1, "trainings logged: " + string.Join("; ", trainings));
    }

    [Fact]
    public async Task The_watchdog_reports_no_stall_at_start()
    {
        await Task.Delay(TimeSpan.FromSeconds(3)); // the watchdog checks every second
        // Only the component-check stall: a real platform stall (GC, a starved core) may be reported on a busy machine.
        var stalls = seeded.Logs.Entries.Where(e => e.Category.StartsWith("Orleans.Runtime.Watchdog", StringComparison.Ordinal)
            && e.Message.Contains("Participant check thread has not completed", StringComparison.Ordinal)).ToArray();
        Assert.True(stalls.Length == 0, "the watchdog warned: " + string.Join("; ", stalls.Select(s => s.Message)));
    }

    /// <summary>
    /// The race itself, deterministically: a watchdog as Orleans builds it has no last component
    /// check (0, the clock's origin — so the first reading is the machine's uptime); the workaround
    /// gives it the present. Fails if an Orleans upgrade renamed the fields (then see whether the
    /// race is fixed upstream and drop <see cref="WatchdogStartRace"/>).
    /// </summary>
    [Fact]
    public void The_watchdog_workaround_applies_to_this_Orleans()
    {
        Assert.True(WatchdogStartRace.Applies, "Orleans.Runtime.Watchdog no longer has _componentWatchdogTimestamp / _timeProvider");
        var running = WatchdogStartRace.Find(seeded.Server.Services);
        Assert.NotNull(running);
        Assert.NotEqual(0, WatchdogStartRace.LastComponentCheck(running!));

        var fresh = ActivatorUtilities.CreateInstance(seeded.Server.Services, WatchdogStartRace.Type!);
        try
        {
            Assert.Equal(0, WatchdogStartRace.LastComponentCheck(fresh));
            Assert.True(TimeProvider.System.GetElapsedTime(0) > TimeSpan.FromSeconds(20) || Environment.TickCount64 < 20_000,
                "the clock's origin is the machine's boot: measured from 0, the first reading is the uptime");
            var before = Stopwatch.GetTimestamp();
            Assert.True(WatchdogStartRace.Prime(fresh));
            Assert.InRange(WatchdogStartRace.LastComponentCheck(fresh)!.Value, before, Stopwatch.GetTimestamp());
        }
        finally
        {
            (fresh as IDisposable)?.Dispose();
        }
    }
}

/// <summary>
/// Readiness before and after the first model: ready (popularity serves) with "model": "pending",
/// then "v1"; and a model trained right after an import counts the import's events.
/// </summary>
public sealed class ModelReadinessTests
{
    [Fact]
    public async Task Readiness_and_the_seed_health_call_say_model_pending_until_the_first_model_is_published()
    {
        await using var server = await ApiServer.StartAsync(new Dictionary<string, string>
        {
            ["Model:DriftCheckPeriod"] = "01:00:00", // only the test trains
            ["Model:Tuning:Enabled"] = "false",
            ["Model:Factors"] = "8",
        });
        var http = server.HttpClient;

        var ready = await http.GetOkJsonAsync("/health/ready");
        Assert.Equal("healthy", ready.GetProperty("status").GetString());
        Assert.Equal("pending", ready.GetProperty("model").GetString());
        var check = ready.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "model");
        Assert.Equal("healthy", check.GetProperty("status").GetString());
        Assert.Contains("popularity", check.GetProperty("description").GetString());
        Assert.Equal("pending", check.GetProperty("data").GetProperty("model").GetString());
        var health = await http.GetOkJsonAsync("/api/v1/health");
        Assert.Equal("healthy", health.GetProperty("status").GetString());
        Assert.Equal("pending", health.GetProperty("model").GetString());

        var events = Enumerable.Range(0, 30).SelectMany(u => Enumerable.Range(0, 5).Select(j => new { userId = $"mr-u-{u}", itemId = $"mr-item-{(u * 7 + j * 3) % 40}", type = "like" }));
        (await http.PostAsJsonAsync("/api/v1/events", events)).EnsureSuccessStatusCode();
        // Trained at once after the import, before this process's event counters flush (once a
        // second): the model must still count every event it read, or the drift rule retrains for them.
        var trained = await (await http.PostAsync("/api/v1/model/retrain?wait=true", null)).OkJsonAsync();
        Assert.Equal(1, trained.GetProperty("version").GetInt64());
        Assert.Equal(events.Count(), trained.GetProperty("eventsAtTraining").GetInt64());

        ready = await http.GetOkJsonAsync("/health/ready");
        Assert.Equal("healthy", ready.GetProperty("status").GetString());
        Assert.Equal("v1", ready.GetProperty("model").GetString());
        check = ready.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "model");
        Assert.StartsWith("model v1 serves", check.GetProperty("description").GetString());
        health = await http.GetOkJsonAsync("/api/v1/health");
        Assert.Equal("v1", health.GetProperty("model").GetString());
    }
}
