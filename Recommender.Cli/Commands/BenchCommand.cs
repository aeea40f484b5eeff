using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Recommender.Client.Api;
using Recommender.Client.Bench;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Recommender.Client.Commands;

public sealed class BenchSettings : RecoSettings
{
    [CommandOption("--duration <TIME>")]
    [Description("Length of each phase: 10s, 500ms, 1m. Default 10s.")]
    [DefaultValue("10s")]
    public string Duration { get; set; } = "10s";

    [CommandOption("--concurrency <N>")]
    [Description("Concurrent clients. Default 8.")]
    [DefaultValue(8)]
    public int Concurrency { get; set; } = 8;

    [CommandOption("--warmup <TIME>")]
    [Description("Unmeasured load before the measured phases (half single events, half batches of 1,000, for the same users; with --recommend-only, GET recommendations): JIT tiers (with dynamic PGO a fresh server on 2 cores needs ~20 s), grain activations and connections settle first. 0s = none. Default 20s.")]
    [DefaultValue("20s")]
    public string Warmup { get; set; } = "20s";

    [CommandOption("--events <N>")]
    [Description("At most N events per event phase (and N recommendation requests); the phase also stops at --duration.")]
    public long? Events { get; set; }

    [CommandOption("--users <N>")]
    [Description("Distinct synthetic users (bench-<run>-<n>). Default 1000.")]
    [DefaultValue(1000)]
    public int Users { get; set; } = 1000;

    [CommandOption("--recommend-only")]
    [Description("Skip the ingest phases: give each user a few events first (so it is personal), then measure GET recommendations alone and while an ingest load runs.")]
    public bool RecommendOnly { get; set; }

    [CommandOption("--personal-events <N>")]
    [Description("With --recommend-only: events (likes) posted per user before measuring. Default 5.")]
    [DefaultValue(5)]
    public int PersonalEvents { get; set; } = 5;

    [CommandOption("--ingest-concurrency <N>")]
    [Description("With --recommend-only: clients posting single events during the second recommendation phase. Default 4.")]
    [DefaultValue(4)]
    public int IngestConcurrency { get; set; } = 4;

    [CommandOption("--filter <EXPRESSION>")]
    [Description("After the unfiltered recs k=10 phase, one more phase alone per expression (repeatable): GET recommendations k=10 with filter=<EXPRESSION>, labelled 'recs k=10 filter=<EXPRESSION>'.")]
    public string[] Filters { get; set; } = [];

    [CommandOption("--filter-name <NAME>")]
    [Description("As --filter, with a stored filter (repeatable): labelled 'recs k=10 filterName=<NAME>'.")]
    public string[] FilterNames { get; set; } = [];

    [CommandOption("--json <FILE>")]
    public string? Json { get; set; }

    [CommandOption("--markdown <FILE>")]
    public string? Markdown { get; set; }

    public TimeSpan DurationValue => DurationParser.TryParse(Duration, out var d) ? d : TimeSpan.FromSeconds(10);

    public TimeSpan WarmupValue => Warmup.Trim() is "0" or "0s" ? TimeSpan.Zero : DurationParser.TryParse(Warmup, out var d) ? d : TimeSpan.FromSeconds(20);

    public override ValidationResult Validate()
    {
        if (!DurationParser.TryParse(Duration, out _))
        {
            return ValidationResult.Error($"--duration '{Duration}' is not a duration (10s, 500ms, 1m).");
        }

        if (!DurationParser.TryParse(Warmup, out _) && Warmup is not ("0" or "0s"))
        {
            return ValidationResult.Error($"--warmup '{Warmup}' is not a duration (5s, 0s).");
        }

        if (Concurrency is < 1 or > 256)
        {
            return ValidationResult.Error("--concurrency must be 1–256.");
        }

        if (PersonalEvents is < 1 or > 100 || IngestConcurrency is < 0 or > 256)
        {
            return ValidationResult.Error("--personal-events must be 1–100 and --ingest-concurrency 0–256.");
        }

        if (Users < 1 || Events is < 1)
        {
            return ValidationResult.Error("--users and --events must be positive.");
        }

        return base.Validate();
    }
}

/// <summary>
/// <c>reco bench</c>: bounded load on a loopback service only. Events/s for single events and for
/// batches of 100 and 1,000, then latency percentiles and throughput of recommendations.
/// </summary>
public sealed class BenchCommand : RecoCommand<BenchSettings>
{
    protected override async Task<int> RunAsync(BenchSettings s, CancellationToken ct)
    {
        if (!LoopbackGuard.IsLoopback(s.BaseUri))
        {
            AnsiConsole.MarkupLineInterpolated($"[red]bench only runs against this machine (127.0.0.0/8, ::1, localhost), not {s.BaseUri.Host}.[/]");
            return 1;
        }

        // Events without ids, as before the SDK assigned them: the figures in BENCHMARKS.md were measured so
        // (an id costs the server its de-duplication window, 24 B per event and user for 24 h).
        using var client = new RecommenderClient(s.BaseUri, s.ResolvedApiKey) { AssignEventIds = false };
        await client.GetHealthAsync(ct);

        var run = Guid.NewGuid().ToString("N")[..6];
        var users = Enumerable.Range(0, s.Users).Select(i => $"bench-{run}-{i}").ToArray();
        var items = await LoadItemIdsAsync(client, ct);
        AnsiConsole.MarkupLineInterpolated(
            $"bench on {s.BaseUri.AbsoluteUri}: {s.Concurrency} clients, {s.DurationValue.TotalSeconds:0.#} s per phase{(s.Events is { } n ? $", ≤ {n:N0} events per phase" : "")}; users bench-{run}-*, {items.Length:N0} items");

        // A mistyped filter fails here, with the service's field: reason lines, before any load runs.
        foreach (var (_, query) in FilterPhases(s))
        {
            await client.GetRecommendationsAsync(users[0], query, ct);
        }

        var startedAt = DateTimeOffset.UtcNow;
        var phases = new List<BenchResult>();
        if (s.RecommendOnly)
        {
            await RecommendOnlyAsync(s, client, users, items, phases, ct);
            return await ReportAsync(s, startedAt, phases, ct);
        }

        Func<Random, CancellationToken, Task> Post(int batch) => (random, token) => batch == 1
            ? client.PostEventAsync(RandomEvent(random, users, items), token)
            : client.PostEventsAsync(Enumerable.Range(0, batch).Select(_ => RandomEvent(random, users, items)).ToArray(), token);

        if (s.WarmupValue > TimeSpan.Zero)
        {
            await AnsiConsole.Status().StartAsync("warming up…", async _ =>
            {
                await LoadRunner.RunAsync("warm-up ×1", s.Concurrency, 1, s.WarmupValue / 2, null, Post(1), ct);
                await LoadRunner.RunAsync("warm-up ×1000", s.Concurrency, 1000, s.WarmupValue / 2, null, Post(1000), ct);
            });
            AnsiConsole.MarkupLineInterpolated($"  warmed up for {s.WarmupValue.TotalSeconds:0.#} s (not measured)");
        }

        foreach (var batch in new[] { 1, 100, 1000 })
        {
            var phase = batch == 1 ? "events ×1" : $"events ×{batch}";
            var result = await AnsiConsole.Status().StartAsync(Markup.Escape($"{phase}…"), _ => LoadRunner.RunAsync(
                phase, s.Concurrency, batch, s.DurationValue, s.Events, Post(batch), ct));
            phases.Add(result);
            AnsiConsole.MarkupLineInterpolated($"  {phase}: {result.EventsPerSecond:N0} events/s, p99 {result.P99Ms:0.0} ms");
        }

        var recommendations = await AnsiConsole.Status().StartAsync("GET recommendations (k=10)…", _ => LoadRunner.RunAsync(
            "recs k=10", s.Concurrency, 1, s.DurationValue, s.Events,
            (random, token) => client.GetRecommendationsAsync(users[random.Next(users.Length)], 10, ct: token),
            ct));
        phases.Add(recommendations with { Events = 0, EventsPerSecond = 0 });
        await FilteredAsync(s, client, users, phases, ct);
        return await ReportAsync(s, startedAt, phases, ct);
    }

    /// <summary>The filtered phases, in order: each <c>--filter</c>, then each <c>--filter-name</c>; k = 10 like the unfiltered phase.</summary>
    public static IReadOnlyList<(string Label, RecommendationQuery Query)> FilterPhases(BenchSettings s) =>
    [
        .. s.Filters.Select(f => ($"recs k=10 filter={f}", new RecommendationQuery(10) { Filter = f })),
        .. s.FilterNames.Select(n => ($"recs k=10 filterName={n}", new RecommendationQuery(10) { FilterName = n })),
    ];

    /// <summary>One measured phase per filter, alone (no ingest), same users, duration and concurrency as <c>recs k=10</c>.</summary>
    private static async Task FilteredAsync(BenchSettings s, RecommenderClient client, string[] users, List<BenchResult> phases, CancellationToken ct)
    {
        foreach (var (label, query) in FilterPhases(s))
        {
            var result = await AnsiConsole.Status().StartAsync(Markup.Escape($"GET recommendations ({label})…"), _ => LoadRunner.RunAsync(
                label, s.Concurrency, 1, s.DurationValue, s.Events,
                (random, token) => client.GetRecommendationsAsync(users[random.Next(users.Length)], query, token), ct));
            phases.Add(result with { Events = 0, EventsPerSecond = 0 });
            AnsiConsole.MarkupLineInterpolated($"  {label}: {result.RequestsPerSecond:N0}/s, p50 {result.P50Ms:0.00} ms, p99 {result.P99Ms:0.00} ms");
        }
    }

    /// <summary>
    /// Recommendation latency for personal users: each user first posts a few likes (one batch, so the
    /// service folds it in against the current model), then GET recommendations k=10 runs alone, and
    /// again while <c>--ingest-concurrency</c> clients post single events for the same users.
    /// </summary>
    private static async Task RecommendOnlyAsync(BenchSettings s, RecommenderClient client, string[] users, string[] items, List<BenchResult> phases, CancellationToken ct)
    {
        var prepare = System.Diagnostics.Stopwatch.StartNew();
        await AnsiConsole.Status().StartAsync($"giving {users.Length:N0} users {s.PersonalEvents} likes each…", _ =>
            Parallel.ForEachAsync(users, new ParallelOptions { MaxDegreeOfParallelism = s.Concurrency, CancellationToken = ct }, async (user, token) =>
            {
                var random = new Random(user.GetHashCode());
                var batch = Enumerable.Range(0, s.PersonalEvents)
                    .Select(_ => new InteractionEvent(user, items[random.Next(items.Length)], EventTypes.Like)).ToArray();
                await client.PostEventsAsync(batch, token);
            }));
        var sample = await client.GetRecommendationsAsync(users[0], 10, ct: ct);
        AnsiConsole.MarkupLineInterpolated($"  prepared in {prepare.Elapsed.TotalSeconds:0.0} s; {users[0]} gets strategy '{sample.Strategy}', model {sample.ModelVersion}, {sample.Items.Count} items");

        Task<Recommendations> Recommend(Random random, CancellationToken token) => client.GetRecommendationsAsync(users[random.Next(users.Length)], 10, ct: token);

        if (s.WarmupValue > TimeSpan.Zero)
        {
            // Unmeasured: the first seconds of a fresh server run unoptimised (tier-0) code.
            await AnsiConsole.Status().StartAsync("warming up…", _ => LoadRunner.RunAsync("warm-up recs", s.Concurrency, 1, s.WarmupValue, null, Recommend, ct));
            AnsiConsole.MarkupLineInterpolated($"  warmed up for {s.WarmupValue.TotalSeconds:0.#} s (not measured)");
        }

        var alone = await AnsiConsole.Status().StartAsync("GET recommendations (k=10)…", _ => LoadRunner.RunAsync(
            "recs k=10", s.Concurrency, 1, s.DurationValue, s.Events, Recommend, ct));
        phases.Add(alone with { Events = 0, EventsPerSecond = 0 });
        AnsiConsole.MarkupLineInterpolated($"  recs k=10: {alone.RequestsPerSecond:N0}/s, p50 {alone.P50Ms:0.00} ms, p99 {alone.P99Ms:0.00} ms");
        await FilteredAsync(s, client, users, phases, ct);
        if (s.IngestConcurrency == 0) return;

        var (loaded, ingest) = await AnsiConsole.Status().StartAsync("GET recommendations (k=10) during ingest…", async _ =>
        {
            var ingestTask = LoadRunner.RunAsync("ingest during recs", s.IngestConcurrency, 1, s.DurationValue, s.Events,
                (random, token) => client.PostEventAsync(RandomEvent(random, users, items), token), ct);
            var recsTask = LoadRunner.RunAsync("recs k=10 + ingest", s.Concurrency, 1, s.DurationValue, s.Events, Recommend, ct);
            return (await recsTask, await ingestTask);
        });
        phases.Add(loaded with { Events = 0, EventsPerSecond = 0 });
        phases.Add(ingest);
        AnsiConsole.MarkupLineInterpolated($"  recs k=10 during ingest: {loaded.RequestsPerSecond:N0}/s, p50 {loaded.P50Ms:0.00} ms, p99 {loaded.P99Ms:0.00} ms; ingest {ingest.EventsPerSecond:N0} events/s");
    }

    private static async Task<int> ReportAsync(BenchSettings s, DateTimeOffset startedAt, List<BenchResult> phases, CancellationToken ct)
    {
        var report = new BenchReport(s.BaseUri.AbsoluteUri, startedAt, s.DurationValue.TotalSeconds, s.Concurrency, s.Events, phases);
        AnsiConsole.Write(ToTable(report));
        foreach (var failed in phases.Where(p => p.Errors > 0))
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]{failed.Phase}: {failed.Errors} errors, first: {failed.FirstError}[/]");
        }

        if (s.Json is not null)
        {
            await File.WriteAllTextAsync(s.Json, JsonSerializer.Serialize(report, RecommenderJson.Indented), ct);
            AnsiConsole.MarkupLineInterpolated($"Wrote [blue]{s.Json}[/]");
        }

        if (s.Markdown is not null)
        {
            await File.WriteAllTextAsync(s.Markdown, ToMarkdown(report), ct);
            AnsiConsole.MarkupLineInterpolated($"Wrote [blue]{s.Markdown}[/]");
        }

        return phases.Any(p => p.Requests > 0 && p.Errors == p.Requests) ? 1 : 0;
    }

    private static readonly string[] Types = [EventTypes.View, EventTypes.View, EventTypes.Click, EventTypes.Like, EventTypes.Rating];

    private static InteractionEvent RandomEvent(Random random, string[] users, string[] items)
    {
        var type = Types[random.Next(Types.Length)];
        return new InteractionEvent(
            users[random.Next(users.Length)],
            items[random.Next(items.Length)],
            type,
            type == EventTypes.Rating ? random.Next(1, 6) : null);
    }

    /// <summary>The catalog's items when there are enough, else synthetic ids (created by the service on first event).</summary>
    private static async Task<string[]> LoadItemIdsAsync(RecommenderClient client, CancellationToken ct)
    {
        var ids = new List<string>();
        await foreach (var item in client.ListAllItemsAsync(sort: ItemSort.Popular, pageSize: 500, max: 2000, ct: ct))
        {
            ids.Add(item.ItemId);
        }

        return ids.Count >= 50 ? ids.ToArray() : Enumerable.Range(0, 1000).Select(i => $"bench-item-{i}").ToArray();
    }

    private static Table ToTable(BenchReport report)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape($"reco bench — {report.Url}, {report.Concurrency} clients"));
        foreach (var header in Headers)
        {
            table.AddColumn(new TableColumn(header).RightAligned());
        }

        foreach (var phase in report.Phases)
        {
            table.AddRow(Cells(phase).Select(c => Markup.Escape(c)).ToArray());
        }

        return table;
    }

    private static string ToMarkdown(BenchReport report)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# reco bench — {report.Url}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"{report.StartedAt:u}, {report.Concurrency} concurrent clients, {report.DurationSeconds:0.#} s per phase{(report.EventBudget is { } b ? $", ≤ {b} events per phase" : "")}, {Environment.ProcessorCount} logical CPUs (client and server share the machine).");
        md.AppendLine();
        md.AppendLine("| " + string.Join(" | ", Headers) + " |");
        md.AppendLine("|---|" + string.Concat(Enumerable.Repeat("---:|", Headers.Length - 1)));
        foreach (var phase in report.Phases)
        {
            md.AppendLine("| " + string.Join(" | ", Cells(phase)) + " |");
        }

        return md.ToString();
    }

    private static readonly string[] Headers = ["phase", "requests", "events", "errors", "events/s", "requests/s", "p50 ms", "p95 ms", "p99 ms", "max ms"];

    private static string[] Cells(BenchResult p) =>
    [
        p.Phase,
        p.Requests.ToString("N0", CultureInfo.InvariantCulture),
        p.Events.ToString("N0", CultureInfo.InvariantCulture),
        p.Errors.ToString("N0", CultureInfo.InvariantCulture),
        p.Events == 0 ? "—" : p.EventsPerSecond.ToString("N0", CultureInfo.InvariantCulture),
        p.RequestsPerSecond.ToString("N0", CultureInfo.InvariantCulture),
        Ms(p.P50Ms),
        Ms(p.P95Ms),
        Ms(p.P99Ms),
        Ms(p.MaxMs),
    ];

    private static string Ms(double? ms) => ms is { } v ? v.ToString("0.00", CultureInfo.InvariantCulture) : "—";
}
