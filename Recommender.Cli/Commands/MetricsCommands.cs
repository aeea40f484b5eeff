using System.ComponentModel;
using System.Globalization;
using Recommender.Client.Api;
using Recommender.Client.Bench;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Recommender.Client.Commands;

public sealed class MetricsOnlineSettings : RecoSettings
{
    [CommandOption("--window <DURATION>")]
    [Description("How far back: 5m, 1h (the default), 24h — at least 1m, at most the service's retention (24h by default).")]
    [DefaultValue("1h")]
    public string Window { get; set; } = "1h";

    public TimeSpan? WindowValue => DurationParser.TryParse(Window, out var d) ? d : null;

    public override ValidationResult Validate() =>
        WindowValue is not { } window || window < TimeSpan.FromMinutes(1)
            ? ValidationResult.Error($"--window '{Window}' is not a duration of at least a minute (5m, 1h, 24h).")
            : base.Validate();
}

/// <summary>
/// <c>reco metrics online [--window 1h]</c>: per strategy, model version and experiment variant, the
/// lists served and what users did with them — impressions, attributed events, CTR, hit rate,
/// conversion, mean position of the items acted on, catalogue coverage and novelty.
/// </summary>
public sealed class MetricsOnlineCommand : RecoCommand<MetricsOnlineSettings>
{
    protected override async Task<int> RunAsync(MetricsOnlineSettings s, CancellationToken ct)
    {
        using var client = s.CreateClient();
        var metrics = await client.GetOnlineMetricsAsync(s.WindowValue, ct);
        var span = $"{ExperimentsView.Iso(metrics.From)} – {ExperimentsView.Iso(metrics.To)}";
        if (metrics.Groups.Count == 0)
        {
            AnsiConsole.MarkupLineInterpolated($"No lists served from {span}.");
        }
        else
        {
            AnsiConsole.Write(Table(metrics, $"online metrics, last {s.Window} ({span})"));
        }

        AnsiConsole.MarkupLineInterpolated(
            $"catalogue: {metrics.CatalogSize.ToString(CultureInfo.InvariantCulture)} items; events whose recommendationId matched no served list: {metrics.Unmatched.ToString(CultureInfo.InvariantCulture)}");
        return 0;
    }

    /// <summary>
    /// One row per group. When the window saw one experiment, the title names it and the variant column
    /// holds its variants' names; with several, each row says "experiment/variant".
    /// </summary>
    public static Table Table(OnlineMetrics metrics, string title)
    {
        var experiments = metrics.Groups.Where(g => g.Experiment is not null).Select(g => g.Experiment!).Distinct(StringComparer.Ordinal).ToList();
        var one = experiments.Count == 1 ? experiments[0] : null;
        if (one is not null) title += ", experiment " + one;
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(title));
        table.AddColumn(new TableColumn("strategy").NoWrap());
        table.AddColumn(new TableColumn("variant").NoWrap());
        table.AddColumn(new TableColumn("impressions").RightAligned().NoWrap());
        table.AddColumn(new TableColumn("events").RightAligned().NoWrap());
        table.AddColumn(new TableColumn("CTR").RightAligned().NoWrap());
        table.AddColumn(new TableColumn("hit rate").RightAligned().NoWrap());
        table.AddColumn(new TableColumn("conversion").RightAligned().NoWrap());
        table.AddColumn(new TableColumn("mean rank").RightAligned().NoWrap());
        table.AddColumn(new TableColumn("coverage").RightAligned().NoWrap());
        table.AddColumn(new TableColumn("novelty").RightAligned().NoWrap());
        foreach (var g in metrics.Groups)
        {
            table.AddRow(
                Markup.Escape($"{g.Strategy} v{g.ModelVersion.ToString(CultureInfo.InvariantCulture)}"),
                Markup.Escape(g.Experiment is null ? "—" : one is not null ? g.Variant ?? "" : $"{g.Experiment}/{g.Variant}"),
                ExperimentsView.Count(g.Impressions),
                ExperimentsView.Count(g.Events),
                ExperimentsView.Percent(g.Ctr),
                ExperimentsView.Percent(g.HitRate),
                ExperimentsView.Percent(g.Conversion),
                g.Events == 0 ? "—" : g.MeanPosition.ToString("0.0", CultureInfo.InvariantCulture),
                ExperimentsView.Percent(g.Coverage),
                g.ItemsServed == 0 ? "—" : g.Novelty.ToString("0.00", CultureInfo.InvariantCulture));
        }

        return table;
    }
}
