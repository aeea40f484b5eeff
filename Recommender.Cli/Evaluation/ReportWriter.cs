using System.Globalization;
using System.Text;
using System.Text.Json;
using Recommender.Client.Api;
using Spectre.Console;

namespace Recommender.Client.Evaluation;

/// <summary>Renders an <see cref="EvaluationReport"/> as a console table, JSON and markdown.</summary>
public static class ReportWriter
{
    public static Table ToTable(EvaluationReport report)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .Title(Markup.Escape($"{report.Protocol} evaluation, K = {report.K}"));
        foreach (var header in Headers(report))
        {
            table.AddColumn(new TableColumn(header).RightAligned());
        }

        foreach (var row in report.Rows)
        {
            table.AddRow(Cells(report, row).Select(c => Markup.Escape(c)).ToArray());
        }

        foreach (var row in report.Means)
        {
            table.AddRow(Cells(report, row).Select(c => $"[bold]{Markup.Escape(c)}[/]").ToArray());
        }

        return table;
    }

    public static string ToMarkdown(EvaluationReport report)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# {report.Protocol} evaluation ({report.Dataset}), K = {report.K}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Started {report.StartedAt:u} against `{report.Server}`.");
        md.AppendLine();
        var headers = Headers(report);
        md.AppendLine("| " + string.Join(" | ", headers) + " |");
        md.AppendLine("|" + string.Concat(headers.Select((_, i) => i == 0 ? "---|" : "---:|")));
        foreach (var row in report.Rows)
        {
            md.AppendLine("| " + string.Join(" | ", Cells(report, row)) + " |");
        }

        foreach (var row in report.Means)
        {
            md.AppendLine("| " + string.Join(" | ", Cells(report, row).Select(c => $"**{c}**")) + " |");
        }

        md.AppendLine();
        foreach (var run in report.Runs)
        {
            md.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"- {(run.Fold is { } f ? $"fold {f}" : "run")}: {run.TrainEvents:N0} training events imported in {run.ImportSeconds:0.0} s, ") + string.Create(CultureInfo.InvariantCulture,
                $"retrain {run.TrainSeconds:0.0} s (model v{run.ModelVersion}, trainingMs {run.TrainingMs?.ToString("0", CultureInfo.InvariantCulture) ?? "?"}), ") + string.Create(CultureInfo.InvariantCulture,
                $"{run.TestCount:N0} test queries in {run.QuerySeconds:0.0} s; strategies: {string.Join(", ", run.Strategies.Select(p => $"{p.Key} {p.Value}"))}") +
                (run.Choice is { } c ? $"; serving {c.Serving} ({c.Als}; {c.ItemItem}; evidence {c.Evidence}) — {c.Reason}" : ""));
        }

        foreach (var note in report.Notes)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- {note}");
        }

        return md.ToString();
    }

    public static string ToJson(EvaluationReport report) => JsonSerializer.Serialize(report, RecommenderJson.Indented);

    /// <summary>Writes <c>{protocol}-{dataset}.json</c> and <c>.md</c> into <paramref name="outDir"/>; returns their paths.</summary>
    public static (string Json, string Markdown) Write(EvaluationReport report, string outDir)
    {
        Directory.CreateDirectory(outDir);
        var name = $"{report.Protocol}-{report.Dataset}";
        var json = Path.Combine(outDir, name + ".json");
        var markdown = Path.Combine(outDir, name + ".md");
        File.WriteAllText(json, ToJson(report));
        File.WriteAllText(markdown, ToMarkdown(report));
        return (json, markdown);
    }

    private static string[] Headers(EvaluationReport report) => report.Protocol == "prequential"
        ? ["method", "fold", $"NDCG@{report.K}", $"P@{report.K}", $"R@{report.K}", $"recall@{report.K} (hits/events)", "events", "time s"]
        : ["method", "fold", $"NDCG@{report.K}", $"P@{report.K}", $"R@{report.K}", $"HR@{report.K}", "users", "time s"];

    private static string[] Cells(EvaluationReport report, EvaluationRow row) =>
    [
        row.Method,
        row.Fold?.ToString(CultureInfo.InvariantCulture) ?? (report.Means.Contains(row) ? "mean" : "—"),
        F(row.Ndcg),
        F(row.Precision),
        F(row.Recall),
        F(row.HitRate),
        row.Count.ToString("N0", CultureInfo.InvariantCulture),
        row.Seconds.ToString("0.0", CultureInfo.InvariantCulture),
    ];

    private static string F(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);
}
