using System.ComponentModel;
using System.Globalization;
using Recommender.Client.Bench;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Recommender.Client.Commands;

public sealed class PushBenchSettings : RecoSettings
{
    [CommandOption("--events <N>")]
    [Description("Events sent one at a time, each timed until its push arrives. Default 1000")]
    [DefaultValue(1000)]
    public int Events { get; set; } = 1000;

    [CommandOption("--watched <N>")]
    [Description("Users watched over the hub (1–1000); events go to them round-robin. Default 1")]
    [DefaultValue(1)]
    public int Watched { get; set; } = 1;

    [CommandOption("--writers <N>")]
    [Description("Background clients posting events for unwatched users meanwhile (load). Default 0")]
    [DefaultValue(0)]
    public int Writers { get; set; }

    [CommandOption("--markdown <FILE>")]
    public string? Markdown { get; set; }

    public override ValidationResult Validate()
    {
        if (Events is < 1 or > 100_000) return ValidationResult.Error("--events must be between 1 and 100000.");
        if (Watched is < 1 or > 1000) return ValidationResult.Error("--watched must be between 1 and 1000.");
        if (Writers is < 0 or > 64) return ValidationResult.Error("--writers must be between 0 and 64.");
        return base.Validate();
    }
}

/// <summary><c>reco bench-push</c>: event-to-push latency (POST sent → <c>rankingChanged</c> received), loopback only.</summary>
public sealed class PushBenchCommand : RecoCommand<PushBenchSettings>
{
    protected override async Task<int> RunAsync(PushBenchSettings s, CancellationToken ct)
    {
        if (!LoopbackGuard.IsLoopback(s.BaseUri))
        {
            AnsiConsole.MarkupLine("[red]bench-push only targets a loopback service (127.0.0.0/8, localhost, ::1).[/]");
            return 1;
        }
        AnsiConsole.MarkupLineInterpolated($"push latency on {s.BaseUri}: {s.Events} events, {s.Watched} watched users, {s.Writers} background writers…");
        var latencies = await new PushLatencyProbe(s.BaseUri, s.ResolvedApiKey).RunAsync(s.Events, s.Watched, s.Writers, ct);
        var row = string.Create(CultureInfo.InvariantCulture,
            $"| {s.Events} | {s.Watched} | {s.Writers} | {latencies.PercentileMs(50):F2} | {latencies.PercentileMs(95):F2} | {latencies.PercentileMs(99):F2} | {latencies.MaxMs:F2} |");
        const string header = "| events | watched users | background writers | p50 ms | p95 ms | p99 ms | max ms |\n|---|---|---|---|---|---|---|";
        AnsiConsole.WriteLine(header);
        AnsiConsole.WriteLine(row);
        if (s.Markdown is { } file) await File.WriteAllTextAsync(file, header + "\n" + row + "\n", ct);
        return 0;
    }
}
