using System.ComponentModel;
using Recommender.Client.Simulation;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Recommender.Client.Commands;

public sealed class SimulateSettings : RecoSettings
{
    [CommandOption("--users <N>")]
    [Description("Number of taste bots (distinct tastes). Default 5.")]
    [DefaultValue(5)]
    public int Users { get; set; } = 5;

    [CommandOption("--events <N>")]
    [Description("Interactions per bot. Default 50.")]
    [DefaultValue(50)]
    public int Events { get; set; } = 50;

    [CommandOption("--seed <N>")]
    [Description("Random seed (bots' tastes and choices).")]
    public int? Seed { get; set; }

    [CommandOption("--quiet")]
    [Description("Only the summary table, not a line per interaction.")]
    public bool Quiet { get; set; }

    public override ValidationResult Validate() =>
        Users is < 1 or > 100 ? ValidationResult.Error("--users must be 1–100.")
        : Events is < 1 or > 1000 ? ValidationResult.Error("--events must be 1–1000.")
        : base.Validate();
}

/// <summary>
/// <c>reco simulate</c>: taste bots (<see cref="TasteBot"/>, the simulator page's rules) against a
/// running service. Prints each interaction with the bot's precision@10 before it, then per bot the
/// path (start, after 5, after 20, end), when its taste was used up, and the median precision@10
/// from interaction 10 on while its taste lasted.
/// </summary>
public sealed class SimulateCommand : RecoCommand<SimulateSettings>
{
    protected override async Task<int> RunAsync(SimulateSettings s, CancellationToken ct)
    {
        using var client = s.CreateClient();
        var seed = s.Seed ?? Random.Shared.Next();
        var run = Guid.NewGuid().ToString("N")[..6];
        List<TasteBot> bots;
        int events = 0, attributed = 0;
        try
        {
            bots = await TasteBots.RunAsync(client, s.Users, s.Events, seed, run, (bot, evt, precision) =>
            {
                events++;
                if (evt.RecommendationId is not null) attributed++;
                if (!s.Quiet)
                    AnsiConsole.MarkupLineInterpolated(
                        $"{bot.UserId} #{bot.Interactions,-3} {evt.Type,-6}{(evt.Value is { } v ? $" {v}" : "  ")} {evt.ItemId,-10} (P@10 before: [bold]{precision:0.00}[/], {bot.UnseenTasteItems} of its taste unseen)");
            }, ct);
        }
        catch (InvalidOperationException e)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]{e.Message}[/] (start the service with its demo catalogue, or import a catalogue with categories).");
            return 1;
        }

        var table = new Table().Border(TableBorder.Rounded).Title($"taste precision@10 (share of the top 10 in a favourite category), seed {seed}");
        table.AddColumns("bot", "taste", "start", "after 5", "after 20", "end", "taste used up at");
        foreach (var bot in bots)
        {
            var usedUp = bot.Path.FirstOrDefault(p => p.UnseenTaste < TasteBot.K);
            table.AddRow(
                Markup.Escape(bot.UserId),
                Markup.Escape(string.Join(" + ", bot.Taste)),
                At(bot, 0), At(bot, 5), At(bot, 20), bot.Path.Count > 0 ? $"{bot.Path[^1].Precision:0.00}" : "—",
                usedUp is null ? "—" : $"interaction {usedUp.Interactions}");
        }
        AnsiConsole.Write(table);
        var (median, readings, below) = TasteBots.Summarise(bots);
        AnsiConsole.MarkupLineInterpolated(
            $"median precision@10 from interaction 10 on, while a bot's taste lasts: [bold]{median:0.00}[/] over {readings} readings; below 0.5: {below.Count}");
        AnsiConsole.MarkupLineInterpolated(
            $"{attributed} of {events} events were on an item of the bot's list and carried its recommendationId; the others were found by browsing.");
        return 0;
    }

    private static string At(TasteBot bot, int interactions) =>
        bot.Path.FirstOrDefault(p => p.Interactions == interactions) is { } step ? $"{step.Precision:0.00}" : "—";
}
