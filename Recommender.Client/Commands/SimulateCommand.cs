using System.ComponentModel;
using Recommender.Client.Api;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Recommender.Client.Commands;

public sealed class SimulateSettings : RecoSettings
{
    [CommandOption("--users <N>")]
    [Description("Number of taste bots. Default 5.")]
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
}

/// <summary>
/// <c>reco simulate</c>: taste bots. Each has two hidden favourite categories; at each step it takes its
/// top 10, acts on an item of its taste when there is one (like, rating 4–5, sometimes a view), else views
/// a random catalog item of its taste. After each interaction: precision@10 of its ranking against its
/// taste (share of the top 10 having a favourite category).
/// </summary>
public sealed class SimulateCommand : RecoCommand<SimulateSettings>
{
    private const int K = 10;

    protected override async Task<int> RunAsync(SimulateSettings s, CancellationToken ct)
    {
        using var client = s.CreateClient();
        var random = s.Seed is { } seed ? new Random(seed) : new Random();

        var catalog = new List<Item>();
        await foreach (var item in client.ListAllItemsAsync(sort: ItemSort.Id, pageSize: 500, max: 20_000, ct: ct))
        {
            if (item.Categories is { Count: > 0 })
            {
                catalog.Add(item);
            }
        }

        var categories = catalog.SelectMany(i => i.Categories!).CountBy(c => c).Where(p => p.Value >= 5).Select(p => p.Key).Order().ToList();
        if (categories.Count < 2)
        {
            AnsiConsole.MarkupLine("[red]The catalog needs items in at least two categories (import MovieLens first).[/]");
            return 1;
        }

        var run = Guid.NewGuid().ToString("N")[..6];
        var bots = Enumerable.Range(0, s.Users).Select(i =>
        {
            var taste = categories.OrderBy(_ => random.Next()).Take(2).ToHashSet(StringComparer.Ordinal);
            return new Bot($"sim-{run}-{i}", taste, catalog.Where(c => c.Categories!.Any(taste.Contains)).Select(c => c.ItemId).ToList());
        }).ToList();

        AnsiConsole.MarkupLineInterpolated($"{bots.Count} bots × {s.Events} interactions on {s.BaseUri.AbsoluteUri}, {catalog.Count:N0} items in {categories.Count} categories");
        foreach (var bot in bots)
        {
            AnsiConsole.MarkupLineInterpolated($"  [blue]{bot.UserId}[/] likes [bold]{string.Join(" + ", bot.Taste)}[/]");
        }

        for (var step = 1; step <= s.Events; step++)
        {
            foreach (var bot in bots)
            {
                var top = await client.GetRecommendationsAsync(bot.UserId, K, ct: ct);
                bot.Record(Precision(top.Items, bot.Taste));
                var evt = bot.Choose(top.Items, random);
                await client.PostEventAsync(evt, ct);
                var after = await client.GetRecommendationsAsync(bot.UserId, K, ct: ct);
                var precision = Precision(after.Items, bot.Taste);
                bot.Record(precision);
                bot.Strategy = after.Strategy;
                if (!s.Quiet)
                {
                    AnsiConsole.MarkupLineInterpolated(
                        $"step {step,3} {bot.UserId} {evt.Type,-6}{(evt.Value is { } v ? $" {v}" : "  ")} {evt.ItemId,-10} → P@10 [bold]{precision:0.00}[/] [grey]({after.Strategy})[/]");
                }
            }
        }

        var table = new Table().Border(TableBorder.Rounded).Title("taste precision@10 (share of the top 10 in a favourite category)");
        table.AddColumns("bot", "taste", "start", "after 5", "after 20", "end", "strategy");
        foreach (var bot in bots)
        {
            table.AddRow(
                Markup.Escape(bot.UserId),
                Markup.Escape(string.Join(" + ", bot.Taste)),
                bot.PrecisionAt(0),
                bot.PrecisionAfter(5),
                bot.PrecisionAfter(20),
                bot.PrecisionAfter(s.Events),
                Markup.Escape(bot.Strategy ?? "?"));
        }

        AnsiConsole.Write(table);
        return 0;
    }

    /// <summary>Share of the K slots holding an item with a favourite category.</summary>
    public static double Precision(IReadOnlyList<RecommendedItem> items, IReadOnlySet<string> taste) =>
        (double)items.Take(K).Count(i => i.Categories?.Any(taste.Contains) == true) / K;

    private sealed class Bot(string userId, HashSet<string> taste, List<string> tasteCatalog)
    {
        private readonly List<double> _precisions = []; // [before step 1, after step 1, before step 2, after step 2, ...]
        private readonly HashSet<string> _touched = new(StringComparer.Ordinal);

        public string UserId { get; } = userId;

        public HashSet<string> Taste { get; } = taste;

        public string? Strategy { get; set; }

        public void Record(double precision) => _precisions.Add(precision);

        public string PrecisionAt(int index) => index < _precisions.Count ? _precisions[index].ToString("0.00") : "—";

        public string PrecisionAfter(int step) => PrecisionAt(2 * step - 1);

        public InteractionEvent Choose(IReadOnlyList<RecommendedItem> top, Random random)
        {
            var liked = top.Where(i => i.Categories?.Any(Taste.Contains) == true && !_touched.Contains(i.ItemId)).ToList();
            if (liked.Count > 0)
            {
                var pick = liked[random.Next(liked.Count)].ItemId;
                _touched.Add(pick);
                var roll = random.NextDouble();
                return roll < 0.45 ? new InteractionEvent(UserId, pick, EventTypes.Like)
                    : roll < 0.85 ? new InteractionEvent(UserId, pick, EventTypes.Rating, random.Next(4, 6))
                    : new InteractionEvent(UserId, pick, EventTypes.View);
            }

            var fresh = tasteCatalog.Where(id => !_touched.Contains(id)).ToList();
            var item = fresh.Count > 0 ? fresh[random.Next(fresh.Count)] : tasteCatalog[random.Next(tasteCatalog.Count)];
            _touched.Add(item);
            return new InteractionEvent(UserId, item, EventTypes.View);
        }
    }
}
