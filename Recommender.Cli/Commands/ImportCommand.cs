using System.ComponentModel;
using System.Diagnostics;
using Recommender.Client.Api;
using Recommender.Client.Datasets;
using Recommender.Learning;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Recommender.Client.Commands;

public sealed class ImportSettings : RecoSettings
{
    [CommandArgument(0, "<source>")]
    [Description("A dataset folder (ml-100k, MovieLens CSV, Last.fm hetrec2011) or synthetic[[:preset]] — or, before it, the word movielens/lastfm/synthetic (accepted, not needed).")]
    public string Source { get; set; } = "";

    [CommandArgument(1, "[path]")]
    public string? Path { get; set; }

    [CommandOption("--limit <N>")]
    [Description("Import only the first N rows.")]
    public int? Limit { get; set; }

    [CommandOption("--batch-size <N>")]
    [Description("Events per request (≤ 10,000). Default 1000.")]
    [DefaultValue(1000)]
    public int BatchSize { get; set; } = 1000;

    [CommandOption("--parallel <N>")]
    [Description("Requests in flight. Default 4.")]
    [DefaultValue(4)]
    public int Parallel { get; set; } = 4;

    /// <summary>The dataset's location: the second argument when the first names a kind.</summary>
    public string DataPath => Path ?? Source;

    public override ValidationResult Validate()
    {
        if (BatchSize is < 1 or > 10_000) return ValidationResult.Error("--batch-size must be 1–10000.");
        if (Parallel < 1) return ValidationResult.Error("--parallel must be at least 1.");
        if (Path is not null && Source is not ("movielens" or "lastfm" or "synthetic"))
            return ValidationResult.Error($"'{Source} {Path}': give the dataset's folder alone, or after movielens / lastfm / synthetic.");
        return DatasetReader.IsPresent(DataPath) ? base.Validate()
            : ValidationResult.Error($"'{DataPath}' is not a dataset this reads (ml-100k, MovieLens CSV, Last.fm hetrec2011 or synthetic[:preset]).");
    }
}

/// <summary><c>reco import &lt;dataset&gt;</c>: the catalogue first, then every row as an event (see <see cref="DatasetMapping"/>).</summary>
public sealed class ImportCommand : RecoCommand<ImportSettings>
{
    protected override async Task<int> RunAsync(ImportSettings s, CancellationToken ct)
    {
        var data = DatasetReader.Open(s.DataPath);
        var mapping = DatasetMapping.For(data);
        using var client = s.CreateClient();
        var rows = data.Events.Take(s.Limit ?? int.MaxValue).ToArray();
        AnsiConsole.MarkupLineInterpolated($"[bold]{data.Name}[/]: {data.Description} → {s.BaseUri.AbsoluteUri}");
        AnsiConsole.MarkupLineInterpolated($"ids: user [blue]{data.UserIds.FirstOrDefault()}[/], item [blue]{data.Items.FirstOrDefault()?.Id}[/]; timestamps: {mapping.Time}");

        var clock = Stopwatch.StartNew();
        var upserted = 0;
        EventsAccepted result = new(0, 0);
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async progress =>
            {
                var itemsTask = progress.AddTask("items", maxValue: Math.Max(1, data.Items.Length));
                foreach (var chunk in data.Items.Select(mapping.ToItem).Chunk(Math.Min(s.BatchSize, 10_000)))
                {
                    upserted += (await client.PostItemsAsync(chunk, ct)).Upserted;
                    itemsTask.Increment(chunk.Length);
                }
                itemsTask.Value = itemsTask.MaxValue;
                var eventsTask = progress.AddTask("events", maxValue: Math.Max(1, rows.Length));
                var uploader = new EventUploader(client, s.BatchSize, s.Parallel) { BatchDone = n => eventsTask.Increment(n) };
                result = await uploader.UploadAsync(mapping.ToEvents(rows), ct);
                eventsTask.Value = eventsTask.MaxValue;
            });

        var seconds = clock.Elapsed.TotalSeconds;
        var table = new Table().Border(TableBorder.Rounded).AddColumns("items upserted", "events accepted", "duplicates", "seconds", "events/s");
        table.AddRow(upserted.ToString("N0"), result.Accepted.ToString("N0"), result.Duplicates.ToString("N0"), seconds.ToString("0.0"),
            (rows.Length / Math.Max(seconds, 1e-9)).ToString("N0"));
        AnsiConsole.Write(table);
        return 0;
    }
}
