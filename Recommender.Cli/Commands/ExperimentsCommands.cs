using System.ComponentModel;
using System.Globalization;
using System.Threading.Channels;
using Recommender.Client.Api;
using Recommender.Client.Bench;
using Spectre.Console;
using Spectre.Console.Cli;
using Spectre.Console.Rendering;

namespace Recommender.Client.Commands;

/// <summary>The <c>&lt;id&gt;</c> of an experiment.</summary>
public class ExperimentIdSettings : RecoSettings
{
    [CommandArgument(0, "<id>")]
    [Description("The experiment's id.")]
    public string Id { get; set; } = "";
}

public sealed class ExperimentsCreateSettings : ExperimentIdSettings
{
    [CommandOption("--variant <VARIANT>")]
    [Description("A variant, repeatable (2–10; the first is the control): NAME[[=learned|popular]][[,share=N]][[,popularShare=0-1]][[,exploration=0-1]][[,rules=on|off]][[,filter=EXPRESSION]]. filter= comes last (the rest is the expression, commas included). E.g. --variant control --variant pop=popular,share=2")]
    public string[] Variants { get; set; } = [];

    [CommandOption("--share <LIST>")]
    [Description("The variants' shares in order, comma-separated (normalised): --share 90,10. Default: an even split (or each variant's share=).")]
    public string? Shares { get; set; }

    [CommandOption("--name <TEXT>")]
    [Description("A human name (default: the id).")]
    public string? Name { get; set; }

    [CommandOption("--holdout <SHARE>")]
    [Description("Share of users (0–0.5) kept out of the experiment: served the default, reported as \"holdout\". Default 0.")]
    public double? Holdout { get; set; }

    [CommandOption("--metric <METRIC>")]
    [Description("The rate the decision is made on: hitRate (lists with a positive event; the default) or conversion (lists with a purchase).")]
    public string? Metric { get; set; }

    [CommandOption("--alpha <LEVEL>")]
    [Description("The sequential test's level, 0.001–0.2 (default 0.05): the chance of ever declaring a difference that is not there.")]
    public double? Alpha { get; set; }

    [CommandOption("--start")]
    [Description("Start it at once (refused while another experiment runs).")]
    public bool Start { get; set; }

    public override ValidationResult Validate() =>
        Variants.Length == 0
            ? ValidationResult.Error("Give the variants with --variant, the control first: --variant control --variant pop=popular.")
            : base.Validate();
}

public sealed class ExperimentsResultsSettings : ExperimentIdSettings
{
    [CommandOption("--watch")]
    [Description("Follow the results as the service pushes them (over SignalR, when they change), until Ctrl+C or --for.")]
    public bool Watch { get; set; }

    [CommandOption("--for <DURATION>")]
    [Description("With --watch: stop after this long (30s, 5m, 1h).")]
    public string? For { get; set; }

    public TimeSpan? ForValue => For is not null && DurationParser.TryParse(For, out var d) ? d : null;

    public override ValidationResult Validate()
    {
        if (For is not null && !Watch) return ValidationResult.Error("--for bounds --watch: give both, or neither.");
        if (For is not null && ForValue is null) return ValidationResult.Error($"--for '{For}' is not a duration (30s, 5m, 1h).");
        return base.Validate();
    }
}

public sealed class ExperimentsWinnerSettings : ExperimentIdSettings
{
    [CommandArgument(1, "<variant>")]
    [Description("The variant whose serving configuration becomes everyone's default.")]
    public string Variant { get; set; } = "";
}

/// <summary><c>reco experiments create &lt;id&gt; --variant … [--share …] [--holdout …] [--metric …] [--alpha …] [--start]</c>.</summary>
public sealed class ExperimentsCreateCommand : RecoCommand<ExperimentsCreateSettings>
{
    protected override async Task<int> RunAsync(ExperimentsCreateSettings s, CancellationToken ct)
    {
        var variants = ExperimentArguments.Parse(s.Variants, s.Shares);
        using var client = s.CreateClient();
        var experiment = await client.CreateExperimentAsync(new ExperimentSpec(s.Id, variants, s.Name, s.Holdout, s.Metric, s.Alpha, s.Start), ct);
        AnsiConsole.MarkupLineInterpolated($"Created experiment {experiment.Id} ({experiment.Status}).");
        ExperimentsView.WriteDetails(experiment);
        if (experiment.Status == Experiment.Draft)
            AnsiConsole.MarkupLineInterpolated($"[grey]reco experiments start {experiment.Id} starts it.[/]");
        return 0;
    }
}

/// <summary><c>reco experiments [list]</c>: every experiment, newest first.</summary>
public sealed class ExperimentsListCommand : RecoCommand<RecoSettings>
{
    protected override async Task<int> RunAsync(RecoSettings s, CancellationToken ct)
    {
        using var client = s.CreateClient();
        var experiments = await client.ListExperimentsAsync(ct);
        if (experiments.Length == 0)
        {
            AnsiConsole.MarkupLine("No experiments. [grey]reco experiments create <id> --variant control --variant pop=popular creates one.[/]");
            return 0;
        }

        var table = new Table().Border(TableBorder.Rounded).Title($"{experiments.Length} experiments, newest first");
        table.AddColumn(new TableColumn("id").NoWrap());
        table.AddColumn("name");
        table.AddColumn(new TableColumn("status").NoWrap());
        table.AddColumn("variants");
        table.AddColumn(new TableColumn("metric").NoWrap());
        table.AddColumn(new TableColumn("started").NoWrap());
        table.AddColumn(new TableColumn("winner").NoWrap());
        foreach (var e in experiments)
            table.AddRow(Markup.Escape(e.Id), Markup.Escape(e.Name), ExperimentsView.Status(e), Markup.Escape(string.Join(", ", e.Variants.Select(v => v.Name))),
                Markup.Escape(e.Metric), ExperimentsView.Iso(e.StartedAt), Markup.Escape(e.Winner ?? ""));
        AnsiConsole.Write(table);
        return 0;
    }
}

/// <summary><c>reco experiments show &lt;id&gt;</c>: the definition and state.</summary>
public sealed class ExperimentsShowCommand : RecoCommand<ExperimentIdSettings>
{
    protected override async Task<int> RunAsync(ExperimentIdSettings s, CancellationToken ct)
    {
        using var client = s.CreateClient();
        if (await client.GetExperimentAsync(s.Id, ct) is not { } experiment)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]No experiment '{s.Id}'.[/]");
            return ApiError;
        }

        ExperimentsView.WriteDetails(experiment);
        return 0;
    }
}

/// <summary>
/// <c>reco experiments results &lt;id&gt; [--watch [--for 5m]]</c>: a table per variant (users,
/// impressions, events, hit rate and conversion with their always-valid intervals, CTR), the
/// comparisons with the control, the decision; with <c>--watch</c> again at every hub push.
/// </summary>
public sealed class ExperimentsResultsCommand : RecoCommand<ExperimentsResultsSettings>
{
    protected override async Task<int> RunAsync(ExperimentsResultsSettings s, CancellationToken ct)
    {
        if (!s.Watch)
        {
            using var client = s.CreateClient();
            ExperimentsView.WriteResults(await client.GetExperimentResultsAsync(s.Id, ct));
            return 0;
        }

        var pushes = Channel.CreateUnbounded<ExperimentResults>(new UnboundedChannelOptions { SingleReader = true });
        await using var hub = new RecommendationsHubClient(s.BaseUri, s.ResolvedApiKey);
        hub.ExperimentResultsReceived += results =>
        {
            if (string.Equals(results.Experiment.Id, s.Id, StringComparison.Ordinal)) pushes.Writer.TryWrite(results);
        };
        hub.Reconnecting += e => AnsiConsole.MarkupLineInterpolated($"[yellow]connection lost ({e?.Message ?? "closed"}), reconnecting… Ctrl+C to stop.[/]");
        hub.Reconnected += _ => AnsiConsole.MarkupLine("[green]reconnected; watching again.[/]");
        using var until = CancellationTokenSource.CreateLinkedTokenSource(ct);
        hub.Closed += e =>
        {
            // Our own stop (Ctrl+C, --for) closes the connection too; only a close we did not ask for is news.
            if (!until.IsCancellationRequested) AnsiConsole.MarkupLineInterpolated($"[red]connection closed: {e?.Message ?? "by the server"}[/]");
            pushes.Writer.TryComplete();
        };

        try
        {
            AnsiConsole.MarkupLineInterpolated($"[grey]Connecting to {s.BaseUri.AbsoluteUri}… Ctrl+C to stop.[/]");
            await hub.ConnectAsync(ct: ct);
            var current = await hub.WatchExperimentAsync(s.Id, ct);
            ExperimentsView.WriteResults(current);
            AnsiConsole.MarkupLineInterpolated($"[grey]Watching {s.Id}: the results again whenever they change{(s.ForValue is not null ? $", for {s.For}" : "")}. Ctrl+C to stop.[/]");

            if (s.ForValue is { } limit) until.CancelAfter(limit);
            var shown = ExperimentsView.Signature(current);
            var updates = 0;
            try
            {
                await foreach (var results in pushes.Reader.ReadAllAsync(until.Token))
                {
                    // The first push after joining may repeat what Watch answered: show changes only.
                    var signature = ExperimentsView.Signature(results);
                    if (signature == shown) continue;
                    shown = signature;
                    updates++;
                    AnsiConsole.Write(new Rule($"[bold]update {updates.ToString(CultureInfo.InvariantCulture)}[/] at {DateTime.Now:HH:mm:ss}").LeftJustified());
                    ExperimentsView.WriteResults(results);
                }
            }
            catch (OperationCanceledException) when (until.IsCancellationRequested)
            {
                // Ctrl+C or --for: the ways to stop, so exit code 0.
                AnsiConsole.MarkupLineInterpolated($"[grey]Stopped watching {s.Id} after {updates.ToString(CultureInfo.InvariantCulture)} update{(updates == 1 ? "" : "s")}.[/]");
                return 0;
            }

            // The pushes ended without a stop of ours: the connection closed for good (the Closed handler said why).
            return Failed;
        }
        finally
        {
            // Whatever ends the command (a refusal included), closing the connection is ours from here.
            await until.CancelAsync();
        }
    }
}

/// <summary><c>reco experiments start &lt;id&gt;</c>.</summary>
public sealed class ExperimentsStartCommand : RecoCommand<ExperimentIdSettings>
{
    protected override async Task<int> RunAsync(ExperimentIdSettings s, CancellationToken ct)
    {
        using var client = s.CreateClient();
        var experiment = await client.StartExperimentAsync(s.Id, ct);
        AnsiConsole.MarkupLineInterpolated($"Started experiment {experiment.Id}: its users are served their variants from now on.");
        return 0;
    }
}

/// <summary><c>reco experiments stop &lt;id&gt;</c>.</summary>
public sealed class ExperimentsStopCommand : RecoCommand<ExperimentIdSettings>
{
    protected override async Task<int> RunAsync(ExperimentIdSettings s, CancellationToken ct)
    {
        using var client = s.CreateClient();
        var experiment = await client.StopExperimentAsync(s.Id, ct);
        AnsiConsole.MarkupLineInterpolated($"Stopped experiment {experiment.Id}: everyone is served the default again.");
        return 0;
    }
}

/// <summary><c>reco experiments winner &lt;id&gt; &lt;variant&gt;</c>: the variant's configuration becomes the default.</summary>
public sealed class ExperimentsWinnerCommand : RecoCommand<ExperimentsWinnerSettings>
{
    protected override async Task<int> RunAsync(ExperimentsWinnerSettings s, CancellationToken ct)
    {
        using var client = s.CreateClient();
        var experiment = await client.DeclareWinnerAsync(s.Id, s.Variant, ct);
        var serving = await client.GetServingDefaultAsync(ct);
        AnsiConsole.MarkupLineInterpolated($"Declared {experiment.Winner} the winner of {experiment.Id} (now {experiment.Status}).");
        AnsiConsole.MarkupLineInterpolated($"Everyone outside an experiment is now served: {ExperimentArguments.Describe(serving)}.");
        return 0;
    }
}

/// <summary><c>reco experiments delete &lt;id&gt;</c>.</summary>
public sealed class ExperimentsDeleteCommand : RecoCommand<ExperimentIdSettings>
{
    protected override async Task<int> RunAsync(ExperimentIdSettings s, CancellationToken ct)
    {
        using var client = s.CreateClient();
        if (!await client.DeleteExperimentAsync(s.Id, ct))
        {
            AnsiConsole.MarkupLineInterpolated($"[red]No experiment '{s.Id}'.[/]");
            return ApiError;
        }

        AnsiConsole.MarkupLineInterpolated($"Deleted experiment {s.Id} and its results.");
        return 0;
    }
}

/// <summary><c>reco experiments serving</c>: what users outside an experiment are served.</summary>
public sealed class ExperimentsServingCommand : RecoCommand<RecoSettings>
{
    protected override async Task<int> RunAsync(RecoSettings s, CancellationToken ct)
    {
        using var client = s.CreateClient();
        var serving = await client.GetServingDefaultAsync(ct);
        AnsiConsole.MarkupLineInterpolated($"Users outside an experiment are served: {ExperimentArguments.Describe(serving)}.");
        return 0;
    }
}

/// <summary>Tables of <c>reco experiments</c>.</summary>
public static class ExperimentsView
{
    public static void WriteDetails(Experiment e)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(e.Id)).HideHeaders();
        table.AddColumn("field");
        table.AddColumn("value");
        if (e.Name != e.Id) table.AddRow("name", Markup.Escape(e.Name));
        table.AddRow("status", Status(e));
        table.AddRow("metric", Markup.Escape($"{MetricName(e.Metric)}, α {e.Alpha.ToString("0.###", CultureInfo.InvariantCulture)} (always-valid sequential test)"));
        table.AddRow("holdout", Percent(e.Holdout));
        table.AddRow("created", Iso(e.CreatedAt));
        if (e.StartedAt is not null) table.AddRow("started", Iso(e.StartedAt));
        if (e.StoppedAt is not null) table.AddRow("stopped", Iso(e.StoppedAt));
        if (e.Winner is { } winner) table.AddRow("winner", Markup.Escape(winner));
        AnsiConsole.Write(table);

        var variants = new Table().Border(TableBorder.Rounded).Title("variants (the first is the control)");
        variants.AddColumn(new TableColumn("variant").NoWrap());
        variants.AddColumn(new TableColumn("share of users").RightAligned().NoWrap());
        variants.AddColumn("serving");
        var total = e.Variants.Sum(v => v.Share);
        foreach (var v in e.Variants)
            variants.AddRow(Markup.Escape(v.Name), Percent(total > 0 ? v.Share / total * (1 - e.Holdout) : 0), Markup.Escape(ExperimentArguments.Describe(v.Serving)));
        if (e.Holdout > 0) variants.AddRow(Experiment.HoldoutVariant, Percent(e.Holdout), "[grey]the default configuration[/]");
        AnsiConsole.Write(variants);
    }

    public static void WriteResults(ExperimentResults r)
    {
        foreach (var renderable in Results(r)) AnsiConsole.Write(renderable);
    }

    /// <summary>The variants' table, the comparisons' table and the decision.</summary>
    public static IEnumerable<IRenderable> Results(ExperimentResults r)
    {
        var e = r.Experiment;
        var control = e.Variants.Count > 0 ? e.Variants[0].Name : "?";
        var metric = MetricName(e.Metric);
        var title = $"{e.Id}: {e.Status}{(e.StartedAt is { } started ? " since " + Iso(started) : "")}; the control is {control}; decided on {metric} (α {e.Alpha.ToString("0.###", CultureInfo.InvariantCulture)})";
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(title)).Caption(Markup.Escape("as of " + Iso(r.AsOf)));
        table.AddColumn(new TableColumn("variant").NoWrap());
        table.AddColumn(new TableColumn("share").RightAligned().NoWrap());
        table.AddColumn(new TableColumn("users").RightAligned().NoWrap());
        table.AddColumn(new TableColumn("impressions").RightAligned().NoWrap());
        table.AddColumn(new TableColumn("events").RightAligned().NoWrap());
        table.AddColumn(new TableColumn("hit rate [[low, high]]").NoWrap());
        table.AddColumn(new TableColumn("conversion [[low, high]]").NoWrap());
        table.AddColumn(new TableColumn("CTR").RightAligned().NoWrap());
        foreach (var v in r.Variants)
        {
            // The service's share is of all users (the variants split what the holdout leaves).
            table.AddRow(Markup.Escape(v.Name), Percent(v.Share), Count(v.Users), Count(v.Impressions), Count(v.Events),
                Markup.Escape(Interval(v.HitRate)), Markup.Escape(Interval(v.Conversion)), Percent(v.Ctr));
        }

        yield return table;

        if (r.Comparisons.Count > 0)
        {
            var comparisons = new Table().Border(TableBorder.Rounded).Title(Markup.Escape($"{metric}: each variant against {control}"));
            comparisons.AddColumn(new TableColumn("variant").NoWrap());
            comparisons.AddColumn(new TableColumn("difference [[low, high]]").NoWrap());
            comparisons.AddColumn(new TableColumn("p").RightAligned().NoWrap());
            comparisons.AddColumn(new TableColumn("significant").NoWrap());
            foreach (var c in r.Comparisons)
                comparisons.AddRow(Markup.Escape($"{c.Variant} vs {c.Against}"), Markup.Escape(Difference(c.Difference)), P(c.P),
                    c.Significant ? "[green]yes[/]" : "no");
            yield return comparisons;
        }

        var decision = r.Decision.Status == "decided" && r.Decision.Winner is { } winner
            ? $"[bold]decision:[/] [green]{Markup.Escape(winner)} wins[/] — {Markup.Escape(r.Decision.Reason)}"
            : $"[bold]decision:[/] {Markup.Escape(r.Decision.Status)} — {Markup.Escape(r.Decision.Reason)}";
        yield return new Markup(decision + Environment.NewLine);
        if (e.Winner is { } declared)
            yield return new Markup($"[bold]declared winner:[/] {Markup.Escape(declared)} (its serving configuration is the default)" + Environment.NewLine);
    }

    /// <summary>What a change of the results is: every variant's counts, the status and the winner (not the time they were read at).</summary>
    public static string Signature(ExperimentResults r) =>
        string.Join(';', r.Variants.Select(v => $"{v.Name}:{v.Users},{v.Impressions},{v.Events},{v.Hits},{v.Conversions}")) + "|" + r.Experiment.Status + "|" + r.Experiment.Winner;

    public static string Status(Experiment e) => e.Status switch
    {
        Experiment.Running => "[green]running[/]",
        Experiment.Stopped => "[grey]stopped[/]",
        var other => Markup.Escape(other),
    };

    public static string MetricName(string metric) => metric == Experiment.Conversion ? "conversion" : "hit rate";

    /// <summary>"66.7% [12.0%, 99.9%]".</summary>
    public static string Interval(RateInterval rate) =>
        $"{Percent(rate.Value)} [{Percent(rate.Low)}, {Percent(rate.High)}]";

    /// <summary>
    /// "+12.5 pts [−3.0, +28.0]": a difference of rates in percentage points. The interval is shown
    /// within [−100, +100], where a difference of rates lies (early on the service's is much wider).
    /// </summary>
    public static string Difference(RateInterval d) =>
        $"{Points(d.Value)} pts [{Points(Math.Max(-1, d.Low))}, {Points(Math.Min(1, d.High))}]";

    public static string P(double p) => p < 0.0001 ? "<0.0001" : p.ToString("0.0000", CultureInfo.InvariantCulture);

    public static string Percent(double share) => (share * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    public static string Count(long n) => n.ToString(CultureInfo.InvariantCulture);

    public static string Iso(DateTimeOffset? at) =>
        at is { } t ? t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "";

    private static string Points(double difference)
    {
        var text = Math.Abs(difference * 100).ToString("0.0", CultureInfo.InvariantCulture);
        return text == "0.0" ? text : difference > 0 ? "+" + text : "−" + text;
    }
}
