using System.ComponentModel;
using System.Diagnostics;
using Recommender.Client.Api;
using Recommender.Client.MovieLens;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Recommender.Client.Commands;

public sealed class ImportMovieLensSettings : RecoSettings
{
    [CommandArgument(0, "<dir>")]
    [Description("An ml-100k folder (u.data, u.item, u.genre) or an ml-latest folder (ratings.csv, movies.csv). Read in place, never copied.")]
    public string Directory { get; set; } = "";

    [CommandOption("--limit <N>")]
    [Description("Import only the first N rating lines.")]
    public int? Limit { get; set; }

    [CommandOption("--batch-size <N>")]
    [Description("Events per request (≤ 10,000). Default 1000.")]
    [DefaultValue(1000)]
    public int BatchSize { get; set; } = 1000;

    [CommandOption("--parallel <N>")]
    [Description("Requests in flight. Default 4.")]
    [DefaultValue(4)]
    public int Parallel { get; set; } = 4;

    [CommandOption("--user-prefix <PREFIX>")]
    [Description("User ids are PREFIX + MovieLens user id. Default \"ml-\".")]
    [DefaultValue("ml-")]
    public string UserPrefix { get; set; } = "ml-";

    [CommandOption("--item-prefix <PREFIX>")]
    [Description("Item ids are PREFIX + MovieLens movie id. Default \"ml-\".")]
    [DefaultValue("ml-")]
    public string ItemPrefix { get; set; } = "ml-";

    public override ValidationResult Validate()
    {
        if (BatchSize is < 1 or > 10_000)
        {
            return ValidationResult.Error("--batch-size must be 1–10000.");
        }

        if (Parallel < 1)
        {
            return ValidationResult.Error("--parallel must be at least 1.");
        }

        return base.Validate();
    }
}

/// <summary><c>reco import movielens &lt;dir&gt;</c>: the catalog first, then every rating as a <c>rating</c> event.</summary>
public sealed class ImportMovieLensCommand : RecoCommand<ImportMovieLensSettings>
{
    protected override async Task<int> RunAsync(ImportMovieLensSettings s, CancellationToken ct)
    {
        var dataset = MovieLensDataset.Open(s.Directory);
        var mapping = new MovieLensMapping(s.UserPrefix, s.ItemPrefix);
        using var client = s.CreateClient();

        var movies = dataset.ReadMovies();
        var limit = s.Limit ?? int.MaxValue;

        // First pass: how many ratings, and which timestamps, so the bar has a total and times fit the API.
        long count = 0, minTs = long.MaxValue, maxTs = long.MinValue;
        foreach (var r in dataset.ReadRatings().Take(limit))
        {
            count++;
            minTs = Math.Min(minTs, r.UnixSeconds);
            maxTs = Math.Max(maxTs, r.UnixSeconds);
        }

        var time = count == 0 ? TimestampPolicy.Original : TimestampPolicy.Choose(minTs, maxTs, DateTimeOffset.UtcNow);
        AnsiConsole.MarkupLineInterpolated($"[bold]{dataset.Format}[/] at {dataset.Directory}: {movies.Count:N0} movies, {count:N0} ratings → {s.BaseUri.AbsoluteUri}");
        AnsiConsole.MarkupLineInterpolated($"ids: user [blue]{mapping.UserId(1)}[/], item [blue]{mapping.ItemId(1)}[/]; timestamps: {time}");

        var clock = Stopwatch.StartNew();
        var upserted = 0;
        EventsAccepted result = new(0, 0);
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async progress =>
            {
                var itemsTask = progress.AddTask("items", maxValue: Math.Max(1, movies.Count));
                foreach (var chunk in movies.Select(mapping.ToItem).Chunk(Math.Min(s.BatchSize, 10_000)))
                {
                    upserted += (await client.PostItemsAsync(chunk, ct)).Upserted;
                    itemsTask.Increment(chunk.Length);
                }

                itemsTask.Value = itemsTask.MaxValue;
                var ratingsTask = progress.AddTask("ratings", maxValue: Math.Max(1, count));
                var uploader = new EventUploader(client, s.BatchSize, s.Parallel) { BatchDone = n => ratingsTask.Increment(n) };
                result = await uploader.UploadAsync(dataset.ReadRatings().Take(limit).Select(r => mapping.ToEvent(r, time)), ct);
                ratingsTask.Value = ratingsTask.MaxValue;
            });

        var seconds = clock.Elapsed.TotalSeconds;
        var table = new Table().Border(TableBorder.Rounded).AddColumns("items upserted", "events accepted", "duplicates", "seconds", "events/s");
        table.AddRow(
            upserted.ToString("N0"),
            result.Accepted.ToString("N0"),
            result.Duplicates.ToString("N0"),
            seconds.ToString("0.0"),
            (count / Math.Max(seconds, 1e-9)).ToString("N0"));
        AnsiConsole.Write(table);
        return 0;
    }
}
