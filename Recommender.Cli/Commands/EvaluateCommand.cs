using System.ComponentModel;
using System.Globalization;
using Recommender.Client.Api;
using Recommender.Client.Datasets;
using Recommender.Client.Evaluation;
using Recommender.Client.Hosting;
using Recommender.Learning;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Recommender.Client.Commands;

public sealed class EvaluateSettings : RecoSettings
{
    [CommandOption("--data <PATH>")]
    [Description("A dataset folder — ml-100k, MovieLens CSV (ratings.csv + movies.csv), Last.fm hetrec2011 (user_artists.dat + artists.dat) — or synthetic[[:default|longtail|popular|drift]]. Read in place, never copied.")]
    public string Data { get; set; } = "";

    [CommandOption("--protocol <NAME>")]
    [Description("offline (ML-100K: folds u1…u5; other data: a random split of the rows) or prequential (rating-5 stream, recall@10).")]
    [DefaultValue("offline")]
    public string Protocol { get; set; } = "offline";

    [CommandOption("--folds <SPEC>")]
    [Description("ML-100K folds: 1-5, 3, 1,3,5. Default 1-5.")]
    [DefaultValue("1-5")]
    public string Folds { get; set; } = "1-5";

    [CommandOption("--test-share <SHARE>")]
    [Description("Other data: the share of rows held out for the test. Default 0.2.")]
    [DefaultValue(0.2)]
    public double TestShare { get; set; } = 0.2;

    [CommandOption("--seed <N>")]
    [Description("Other data: the seed of the random split. Default 42.")]
    [DefaultValue(42)]
    public int Seed { get; set; } = 42;

    [CommandOption("--runs <N>")]
    [Description("Repeat each split on this many fresh servers and report every run and the spread. Default 1.")]
    [DefaultValue(1)]
    public int Runs { get; set; } = 1;

    [CommandOption("--no-baselines")]
    [Description("Skip the in-process yardsticks (popularity, item-kNN, plain ALS, EASE) on the same split.")]
    public bool NoBaselines { get; set; }

    [CommandOption("--out <DIR>")]
    [Description("Where {protocol}-{dataset}.json and .md are written. Default ./results.")]
    [DefaultValue("results")]
    public string Out { get; set; } = "results";

    [CommandOption("--server <PATH>")]
    [Description("Recommender.Api.dll or its project/output folder (default: found by walking up to the repository root).")]
    public string? Server { get; set; }

    [CommandOption("--server-arg <ARG>")]
    [Description("Extra argument for the spawned server (repeatable), e.g. --server-arg --Model:Tuning:Enabled=false.")]
    public string[] ServerArgs { get; set; } = [];

    [CommandOption("--ready-timeout <SECONDS>")]
    [DefaultValue(120)]
    public int ReadyTimeout { get; set; } = 120;

    [CommandOption("--parallel <N>")]
    [Description("Recommendation queries in flight (offline). Default 8.")]
    [DefaultValue(8)]
    public int Parallel { get; set; } = 8;

    [CommandOption("-k|--top <K>")]
    [DefaultValue(10)]
    public int K { get; set; } = 10;

    public bool IsPrequential => Protocol.Equals("prequential", StringComparison.OrdinalIgnoreCase);

    public override ValidationResult Validate()
    {
        if (string.IsNullOrEmpty(Data)) return ValidationResult.Error("--data <dataset folder or synthetic[:preset]> is required.");
        if (!DatasetReader.IsPresent(Data)) return ValidationResult.Error($"--data: '{Data}' is not a dataset this reads (ml-100k, MovieLens CSV, Last.fm hetrec2011 or synthetic[:preset]).");
        if (!Protocol.Equals("offline", StringComparison.OrdinalIgnoreCase) && !IsPrequential) return ValidationResult.Error("--protocol must be offline or prequential.");
        try
        {
            ParseFolds(Folds);
        }
        catch (FormatException ex)
        {
            return ValidationResult.Error("--folds: " + ex.Message);
        }
        if (TestShare is <= 0 or >= 1) return ValidationResult.Error("--test-share must be between 0 and 1.");
        if (Runs is < 1 or > 20) return ValidationResult.Error("--runs must be 1–20.");
        return K is < 1 or > 100 ? ValidationResult.Error("--k must be 1–100.") : base.Validate();
    }

    /// <summary>Parses "1-5", "3", "1,3,5" or "1-2,5" into fold numbers 1…5, in order, without duplicates.</summary>
    public static IReadOnlyList<int> ParseFolds(string spec)
    {
        var folds = new SortedSet<int>();
        foreach (var part in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            var (from, to) = dash < 0 ? (Fold(part), Fold(part)) : (Fold(part[..dash]), Fold(part[(dash + 1)..]));
            if (from > to) throw new FormatException($"Fold range '{part}' goes backwards.");
            for (var f = from; f <= to; f++) folds.Add(f);
        }
        if (folds.Count == 0) throw new FormatException("No fold given.");
        return [.. folds];

        static int Fold(string text) =>
            int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var f) && f is >= 1 and <= MovieLensFolds.FoldCount
                ? f
                : throw new FormatException($"'{text}' is not a fold number 1–{MovieLensFolds.FoldCount}.");
    }
}

/// <summary>
/// <c>reco evaluate</c>: measures the real service on a dataset — import through the REST API,
/// retrain, one HTTP query per test user — and, on the same split, the in-process yardsticks of
/// the shared library (popularity, item-kNN, a plain ALS and EASE, each tuned on an inner
/// validation split of the training part). Every split gets a fresh server (spawned here on a free
/// loopback port with an empty data folder and no demo catalogue, killed afterwards) unless
/// <c>--url</c> names a running, fresh one (then one run only). With <c>--runs N</c> each split is
/// measured on N fresh servers and the spread is reported.
/// </summary>
public sealed class EvaluateCommand : RecoCommand<EvaluateSettings>
{
    protected override async Task<int> RunAsync(EvaluateSettings s, CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var data = DatasetReader.Open(s.Data);
        var mapping = DatasetMapping.For(data);
        var useRunning = s.Url is not null;
        var dll = useRunning ? null : ServerLocator.Find(s.Server);
        var notes = new List<string>
        {
            data.Description,
            $"timestamps: {mapping.Time}",
            "every row is an implicit positive (ratings as `rating` events with their value, play counts as `view` events with the count as value); relevance is binary",
        };
        AnsiConsole.MarkupLineInterpolated($"[bold]{s.Protocol}[/] on {data.Description} — server: {(useRunning ? s.BaseUri.AbsoluteUri : dll)}");

        var rows = new List<EvaluationRow>();
        var runs = new List<RunDetails>();
        if (s.IsPrequential)
        {
            await using var server = useRunning ? null : await StartServerAsync(dll!, s, null, ct);
            using var client = new RecommenderClient(server?.Url ?? s.BaseUri, s.ResolvedApiKey);
            await WarnIfNotFreshAsync(client, ct);
            var (service, popularity, details) = await RunWithProgressAsync("prequential",
                progress => new ServicePrequentialEvaluation(client, mapping, s.K) { Progress = progress }.RunAsync(ct));
            rows.AddRange([service, popularity]);
            runs.Add(details);
            await ReportAsync(client, service, popularity, s.K, ct);
        }
        else
        {
            var splits = data.Name == "ml-100k"
                ? EvaluateSettings.ParseFolds(s.Folds).Select(f => ((int?)f, data.Fold(f))).ToList()
                : [((int?)null, data.RandomSplit(s.TestShare, (ulong)s.Seed))];
            if (data.Name != "ml-100k") notes.Add($"split: a random {s.TestShare:P0} of the rows held out (seed {s.Seed})");
            if (useRunning && (splits.Count > 1 || s.Runs > 1))
            {
                AnsiConsole.MarkupLine("[yellow]--url: one server, one run: evaluating the first split once.[/]");
                splits = [splits[0]];
            }
            foreach (var (fold, (train, test)) in splits)
            {
                var label = fold is { } f ? $"fold {f}" : "split";
                var trainData = data.ToFeedback(train);
                var targets = Baselines.Targets(trainData, test);
                for (var run = 1; run <= (useRunning ? 1 : s.Runs); run++)
                {
                    await using var server = useRunning ? null : await StartServerAsync(dll!, s, label, ct);
                    using var client = new RecommenderClient(server?.Url ?? s.BaseUri, s.ResolvedApiKey);
                    await WarnIfNotFreshAsync(client, ct);
                    var (service, details) = await RunWithProgressAsync(label,
                        progress => new ServiceOfflineEvaluation(client, mapping, s.K, s.Parallel) { Progress = progress }.RunAsync(fold, train, targets, ct));
                    rows.Add(s.Runs > 1 ? service with { Method = $"service (run {run})" } : service);
                    runs.Add(details);
                    AnsiConsole.MarkupLineInterpolated($"  {label}{(s.Runs > 1 ? $" run {run}" : "")}: service NDCG@{s.K} {service.Ndcg:0.0000} — serving {details.Choice?.Serving ?? "?"}");
                    if (run == 1) await ReportAsync(client, service, null, s.K, ct);
                }
                if (!s.NoBaselines)
                {
                    AnsiConsole.MarkupLineInterpolated($"  {label}: yardsticks in-process on the same split…");
                    foreach (var b in Baselines.Run(trainData, targets, new Baselines.Options { K = s.K }, line => AnsiConsole.MarkupLineInterpolated($"  {line}"), ct))
                    {
                        rows.Add(EvaluationRow.From(b.Method, fold, b.Scores, targets.Count, b.Seconds));
                        notes.Add($"{label}, {b.Method}: {b.Settings} (chosen on an inner validation split of the training part)");
                    }
                }
            }
        }

        var means = rows.Where(r => r.Fold is not null).GroupBy(r => Family(r.Method)).Where(g => g.Count() > 1)
            .Select(g => EvaluationRow.Mean(g.Key, g.ToList())).ToList();
        if (s.Runs > 1)
        {
            var service = rows.Where(r => r.Method.StartsWith("service", StringComparison.Ordinal)).Select(r => r.Ndcg).Order().ToList();
            notes.Add($"service NDCG@{s.K} over {service.Count} runs: median {service[service.Count / 2]:0.0000}, min {service[0]:0.0000}, max {service[^1]:0.0000}");
        }
        var report = new EvaluationReport(s.IsPrequential ? "prequential" : "offline", data.Name, useRunning ? s.BaseUri.ToString() : dll!, started, s.K, rows, means, runs, notes);
        AnsiConsole.Write(ReportWriter.ToTable(report));
        foreach (var note in notes.Skip(3)) AnsiConsole.MarkupLineInterpolated($"  {note}");
        var (json, markdown) = ReportWriter.Write(report, s.Out);
        AnsiConsole.MarkupLineInterpolated($"Wrote [blue]{json}[/] and [blue]{markdown}[/].");
        return 0;
    }

    /// <summary>"service (run 2)" groups with its kin for the means.</summary>
    private static string Family(string method) => method.Contains(" (", StringComparison.Ordinal) ? method[..method.IndexOf(" (", StringComparison.Ordinal)] : method;

    /// <summary>The evaluated server keeps the figures: GET /api/v1/model shows them as lastEvaluation.</summary>
    private static Task ReportAsync(RecommenderClient client, EvaluationRow service, EvaluationRow? popularity, int k, CancellationToken ct)
    {
        var figures = new Dictionary<string, double>
        {
            [$"ndcg@{k}"] = service.Ndcg, [$"precision@{k}"] = service.Precision, [$"recall@{k}"] = service.Recall, [$"hitRate@{k}"] = service.HitRate,
        };
        if (popularity is not null) figures[$"popularityHitRate@{k}"] = popularity.HitRate;
        return client.ReportEvaluationAsync(figures, ct);
    }

    private static async Task<ServerProcess> StartServerAsync(string dll, EvaluateSettings s, string? label, CancellationToken ct)
    {
        var server = await AnsiConsole.Status().StartAsync(
            $"starting a fresh server{(label is null ? "" : $" for {label}")}…",
            _ => ServerProcess.StartAsync(dll, s.ServerArgs, s.ResolvedApiKey, TimeSpan.FromSeconds(s.ReadyTimeout), ct));
        AnsiConsole.MarkupLineInterpolated($"  server ready at {server.Url.AbsoluteUri} (data and log in {server.Folder})");
        return server;
    }

    private static async Task WarnIfNotFreshAsync(RecommenderClient client, CancellationToken ct)
    {
        ModelStatus model;
        try
        {
            model = await client.GetModelAsync(ct);
        }
        catch (RecommenderApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return; // no model endpoint: nothing to check
        }
        if (model.Interactions is > 0 || model.Users is > 0)
            AnsiConsole.MarkupLineInterpolated($"[yellow]The service is not fresh ({model.Users} users, {model.Interactions} interactions): results mix with earlier data.[/]");
    }

    private static async Task<T> RunWithProgressAsync<T>(string label, Func<Action<string, int, int>, Task<T>> run)
    {
        T result = default!;
        await AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var tasks = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
                var gate = new Lock();
                result = await run((stage, done, total) =>
                {
                    lock (gate)
                    {
                        if (!tasks.TryGetValue(stage, out var task)) tasks[stage] = task = ctx.AddTask($"{label}: {stage}", maxValue: Math.Max(1, total));
                        task.MaxValue = Math.Max(1, total);
                        task.Value = stage == "retrain" && done == 0 ? 0 : done;
                        foreach (var earlier in tasks.Values.Where(t => t != task)) earlier.Value = earlier.MaxValue;
                    }
                });
                foreach (var task in tasks.Values) task.Value = task.MaxValue;
            });
        return result;
    }
}
