using System.ComponentModel;
using Recommender.Client.Api;
using Recommender.Client.Ranking;
using Recommender.Client.Rendering;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Recommender.Client.Commands;

public sealed class WatchSettings : FilteredSettings
{
    [CommandArgument(0, "<userId>")]
    public string UserId { get; set; } = "";

    [CommandOption("-k|--top <K>")]
    [DefaultValue(10)]
    public int K { get; set; } = 10;
}

/// <summary><c>reco watch &lt;userId&gt;</c>: the user's ranking as the hub pushes it, with each diff, until Ctrl+C.</summary>
public sealed class WatchCommand : RecoCommand<WatchSettings>
{
    protected override async Task<int> RunAsync(WatchSettings s, CancellationToken ct)
    {
        await using var hub = new RecommendationsHubClient(s.BaseUri, s.ResolvedApiKey);
        hub.Reconnecting += e => AnsiConsole.MarkupLineInterpolated($"[yellow]connection lost ({e?.Message ?? "closed"}), reconnecting… Ctrl+C to stop.[/]");
        hub.Reconnected += _ => AnsiConsole.MarkupLine("[green]reconnected; watching again.[/]");
        hub.Closed += e =>
        {
            // Our own stop (Ctrl+C) closes the connection too; only a close we did not ask for is news.
            if (!ct.IsCancellationRequested)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]connection closed: {e?.Message ?? "by the server"}[/]");
            }
        };

        AnsiConsole.MarkupLineInterpolated($"[grey]Connecting to {s.BaseUri.AbsoluteUri}… Ctrl+C to stop.[/]");
        await hub.ConnectAsync(ct: ct);
        var current = await hub.WatchAsync(s.UserId, s.K, s.Spec(), ct);
        AnsiConsole.Write(RankingView.Table($"{s.UserId} — now (model v{current.ModelVersion})", current.Items));
        AnsiConsole.MarkupLine("[grey]Waiting for pushes… Ctrl+C to stop.[/]");
        var previous = current.Items.Select(i => i.ItemId).ToList();

        try
        {
            await foreach (var ranking in hub.ReadRankingsAsync(ct))
            {
                if (!string.Equals(ranking.UserId, s.UserId, StringComparison.Ordinal))
                {
                    continue;
                }

                var ids = ranking.Items.Select(i => i.ItemId).ToList();
                var diff = RankingDiff.Compute(previous, ids);
                AnsiConsole.Write(new Rule($"[bold]{DateTime.Now:HH:mm:ss.fff}[/] {Markup.Escape(Describe(ranking.Cause))}").LeftJustified());
                AnsiConsole.Write(RankingView.Table($"{s.UserId} — model v{ranking.ModelVersion}", ranking.Items, previous));
                AnsiConsole.Write(RankingView.Diff(diff));
                AnsiConsole.WriteLine();
                previous = ids;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Ctrl+C while watching or reconnecting: the normal way to stop, so exit code 0.
            AnsiConsole.MarkupLineInterpolated($"[grey]Stopped watching {s.UserId}.[/]");
            return 0;
        }

        // The pushes ended without a Ctrl+C: the connection closed for good (the Closed handler said why).
        return Failed;
    }

    private static string Describe(RankingCause? cause) => cause is null
        ? "ranking refreshed"
        : $"after {cause.Type}{(cause.Value is { } v ? $" {v}" : "")} on {cause.ItemId}";
}
