using System.ComponentModel;
using Recommender.Client.Api;
using Recommender.Client.Evaluation;
using Recommender.Client.Hosting;
using Recommender.Client.MovieLens;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Recommender.Client.Commands;

public sealed class EvaluateSettings : RecoSettings
{
    [CommandOption("--data <DIR>")]
    [Description("The ml-100k folder (u.data, u.item, u.genre). Read in place.")]
    public string Data { get; set; } = "";

    [CommandOption("--protocol <NAME>")]
    [Description("offline (u1…u5 folds, NDCG/P/R/HR@10) or prequential (rating-5 stream, recall@10).")]
    [DefaultValue("offline")]
    public string Protocol { get; set; } = "offline";

    [CommandOption("--folds <SPEC>")]
    [Description("Offline folds: 1-5, 3, 1,3,5. Default 1-5.")]
    [DefaultValue("1-5")]
    public string Folds { get; set; } = "1-5";

    [CommandOption("--out <DIR>")]
    [Description("Where {protocol}.json and {protocol}.md are written. Default ./results.")]
    [DefaultValue("results")]
    public string Out { get; set; } = "results";

    [CommandOption("--server <PATH>")]
    [Description("Recommender.Api.dll or its project/output folder (default: found by walking up to the repository root).")]
    public string? Server { get; set; }

    [CommandOption("--server-arg <ARG>")]
    [Description("Extra argument for the spawned server (repeatable), e.g. --server-arg --Recommender:Factors=32.")]
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
        if (string.IsNullOrEmpty(Data))
        {
            return ValidationResult.Error("--data <ml-100k dir> is required.");
        }

        if (!Protocol.Equals("offline", StringComparison.OrdinalIgnoreCase) && !IsPrequential)
        {
            return ValidationResult.Error("--protocol must be offline or prequential.");
        }

        try
        {
            FoldSplitter.ParseFolds(Folds);
        }
        catch (FormatException ex)
        {
            return ValidationResult.Error("--folds: " + ex.Message);
        }

        return K is < 1 or > 100 ? ValidationResult.Error("--k must be 1–100.") : base.Validate();
    }
}

/// <summary>
/// <c>reco evaluate</c>: measures the real service on MovieLens-100K. Each fold gets a fresh server
/// (spawned here on a free loopback port with an empty data folder, killed afterwards) unless
/// <c>--url</c> names an already running, fresh one (then one run only).
/// </summary>
public sealed class EvaluateCommand : RecoCommand<EvaluateSettings>
{
    protected override async Task<int> RunAsync(EvaluateSettings s, CancellationToken ct)
    {
        var dataset = MovieLensDataset.Open(s.Data);
        if (dataset.Format != MovieLensFormat.Ml100K)
        {
            AnsiConsole.MarkupLine("[red]evaluate needs the ml-100k layout (u.data, u.item).[/]");
            return 1;
        }

        var started = DateTimeOffset.UtcNow;
        var movies = dataset.ReadMovies();
        var ratings = dataset.ReadRatings().ToList();
        var time = TimestampPolicy.Choose(ratings.Min(r => r.UnixSeconds), ratings.Max(r => r.UnixSeconds), DateTimeOffset.UtcNow);
        var mapping = new MovieLensMapping();
        var useRunning = s.Url is not null;
        var dll = useRunning ? null : ServerLocator.Find(s.Server);
        var notes = new List<string>
        {
            $"timestamps: {time}",
            "every rating is sent as a `rating` event with its value; relevance is binary (every held-out rating counts)",
        };

        var folds = s.IsPrequential ? [0] : FoldSplitter.ParseFolds(s.Folds);
        if (useRunning && folds.Count > 1)
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]--url: one server, one run: evaluating fold {folds[0]} only.[/]");
            folds = [folds[0]];
        }

        AnsiConsole.MarkupLineInterpolated(
            $"[bold]{s.Protocol}[/] on {dataset.Directory} ({ratings.Count:N0} ratings, {movies.Count:N0} items) — server: {(useRunning ? s.BaseUri.AbsoluteUri : dll)}");

        var rows = new List<EvaluationRow>();
        var runs = new List<RunDetails>();
        foreach (var fold in folds)
        {
            await using var server = useRunning
                ? null
                : await StartServerAsync(dll!, s, fold, ct);
            using var client = new RecommenderClient(server?.Url ?? s.BaseUri, s.ResolvedApiKey);
            await WarnIfNotFreshAsync(client, ct);

            var (service, popularity, details) = await RunWithProgressAsync(
                s.IsPrequential ? "prequential" : $"fold {fold}",
                progress => s.IsPrequential
                    ? new PrequentialEvaluation(client, mapping, s.K) { Progress = progress }
                        .RunAsync(movies, PrequentialSplit.Create(ratings), time, ct)
                    : RunOfflineFold(client, mapping, s, fold, movies, ratings, time, progress, ct));

            rows.Add(service);
            rows.Add(popularity);
            runs.Add(details);
            // The evaluated server keeps the figures: GET /api/v1/model shows them as lastEvaluation.
            await client.ReportEvaluationAsync(new Dictionary<string, double>
            {
                [$"ndcg@{s.K}"] = service.Ndcg, [$"precision@{s.K}"] = service.Precision, [$"recall@{s.K}"] = service.Recall,
                [$"hitRate@{s.K}"] = service.HitRate, [$"popularityNdcg@{s.K}"] = popularity.Ndcg, [$"popularityHitRate@{s.K}"] = popularity.HitRate,
            }, ct);
            AnsiConsole.MarkupLineInterpolated(
                $"  {(s.IsPrequential ? "run" : $"fold {fold}")}: service NDCG@{s.K} {service.Ndcg:0.0000}, HR/recall {service.HitRate:0.0000} | popularity NDCG@{s.K} {popularity.Ndcg:0.0000}, HR/recall {popularity.HitRate:0.0000}");
        }

        var means = s.IsPrequential || folds.Count == 1
            ? new List<EvaluationRow>()
            : rows.GroupBy(r => r.Method).Select(g => EvaluationRow.Mean(g.Key, g.ToList())).ToList();
        var report = new EvaluationReport(
            s.IsPrequential ? "prequential" : "offline",
            "ml-100k",
            useRunning ? s.BaseUri.ToString() : dll!,
            started,
            s.K,
            rows,
            means,
            runs,
            notes);
        AnsiConsole.Write(ReportWriter.ToTable(report));
        var (json, markdown) = ReportWriter.Write(report, s.Out);
        AnsiConsole.MarkupLineInterpolated($"Wrote [blue]{json}[/] and [blue]{markdown}[/].");
        return 0;
    }

    private static Task<(EvaluationRow, EvaluationRow, RunDetails)> RunOfflineFold(
        RecommenderClient client,
        MovieLensMapping mapping,
        EvaluateSettings s,
        int fold,
        IReadOnlyList<MovieLensMovie> movies,
        IReadOnlyList<MovieLensRating> ratings,
        TimestampPolicy time,
        Action<string, int, int> progress,
        CancellationToken ct)
    {
        var (train, test) = FoldSplitter.Split(ratings, fold);
        return new OfflineEvaluation(client, mapping, s.K, s.Parallel) { Progress = progress }
            .RunFoldAsync(fold, movies, train, test, time, ct);
    }

    private static async Task<ServerProcess> StartServerAsync(string dll, EvaluateSettings s, int fold, CancellationToken ct)
    {
        var server = await AnsiConsole.Status().StartAsync(
            $"starting a fresh server{(fold > 0 ? $" for fold {fold}" : "")}…",
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
        {
            AnsiConsole.MarkupLineInterpolated(
                $"[yellow]The service is not fresh ({model.Users} users, {model.Interactions} interactions): results mix with earlier data.[/]");
        }
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
                        if (!tasks.TryGetValue(stage, out var task))
                        {
                            tasks[stage] = task = ctx.AddTask($"{label}: {stage}", maxValue: Math.Max(1, total));
                        }

                        task.MaxValue = Math.Max(1, total);
                        task.Value = stage == "retrain" && done == 0 ? 0 : done;
                        foreach (var earlier in tasks.Values.Where(t => t != task))
                        {
                            earlier.Value = earlier.MaxValue;
                        }
                    }
                });
                foreach (var task in tasks.Values)
                {
                    task.Value = task.MaxValue;
                }
            });
        return result;
    }
}
