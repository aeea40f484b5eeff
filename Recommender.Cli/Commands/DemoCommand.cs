using System.ComponentModel;
using Recommender.Client.Api;
using Recommender.Client.Rendering;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Recommender.Client.Commands;

public sealed class DemoSettings : RecoSettings
{
    [CommandOption("--user <ID>")]
    [Description("User id to use (default: a fresh random demo-xxxxxxxx).")]
    public string? User { get; set; }

    [CommandOption("--category <NAME>")]
    [Description("Category whose items the user interacts with (default: one the first top 10 barely shows).")]
    public string? Category { get; set; }

    [CommandOption("-k|--top <K>")]
    [DefaultValue(10)]
    public int K { get; set; } = 10;
}

/// <summary>
/// <c>reco demo</c>: the seed's before/after script. A fresh user's top 10, three interactions (view,
/// like, rating 5) on items of one category, the new top 10 and a summary of what changed over the
/// whole demo: new items with rank, title and score, removed ones with their former rank, moves.
/// </summary>
public sealed class DemoCommand : RecoCommand<DemoSettings>
{
    protected override async Task<int> RunAsync(DemoSettings s, CancellationToken ct)
    {
        using var client = s.CreateClient();
        await client.GetHealthAsync(ct); // unreachable → exit 2 before anything else

        var user = s.User ?? "demo-" + Guid.NewGuid().ToString("N")[..8];
        AnsiConsole.MarkupLineInterpolated($"User [bold blue]{user}[/] on {s.BaseUri.AbsoluteUri}");

        var before = await client.GetRecommendationsAsync(user, s.K, explain: true, ct: ct);
        AnsiConsole.Write(RankingView.Table($"before — {before.Strategy ?? "?"}, model v{before.ModelVersion}", before.Items));

        var (category, targets) = await ChooseTargetsAsync(client, s.Category, before.Items, ct);
        if (targets.Count == 0)
        {
            AnsiConsole.MarkupLine("[red]The catalog is empty: nothing to interact with. Import items first (reco import movielens …).[/]");
            return 1;
        }

        string[] types = [EventTypes.View, EventTypes.Like, EventTypes.Rating];
        for (var i = 0; i < targets.Count && i < types.Length; i++)
        {
            var evt = new InteractionEvent(user, targets[i].ItemId, types[i], types[i] == EventTypes.Rating ? 5 : null);
            await client.PostEventAsync(evt, ct);
            AnsiConsole.MarkupLineInterpolated(
                $"  [bold]{types[i]}{(evt.Value is { } v ? $" {v}" : "")}[/] → {targets[i].ItemId} [grey]{targets[i].Title} ({string.Join(", ", targets[i].Categories ?? [])})[/]");
        }

        var after = await client.GetRecommendationsAsync(user, s.K, explain: true, ct: ct);
        var beforeIds = before.Items.Select(i => i.ItemId).ToList();
        AnsiConsole.Write(RankingView.Table($"after — {after.Strategy ?? "?"}, model v{after.ModelVersion}", after.Items, beforeIds));

        // The session's first list against its final one, with titles, ranks and scores (the seed's script printed it so).
        AnsiConsole.Write(RankingView.Summary("whole demo: first list → final list", before.Items, after.Items));
        AnsiConsole.WriteLine();
        if (category is not null)
        {
            AnsiConsole.MarkupLineInterpolated(
                $"Items in [bold]{category}[/]: {Share(before.Items, category)}/{before.Items.Count} before → [bold]{Share(after.Items, category)}/{after.Items.Count}[/] after.");
        }

        return 0;
    }

    /// <summary>
    /// Three items of one category that are not already in the top 10 (so the change is visible and not
    /// just "interacted items are excluded"); falls back to the top 10 itself when the catalog has no categories.
    /// </summary>
    private static async Task<(string? Category, IReadOnlyList<RecommendedItem> Items)> ChooseTargetsAsync(
        RecommenderClient client, string? wanted, IReadOnlyList<RecommendedItem> top, CancellationToken ct)
    {
        var inTop = top.Select(i => i.ItemId).ToHashSet(StringComparer.Ordinal);
        var category = wanted;
        if (category is null)
        {
            var catalog = await client.ListItemsAsync(sort: ItemSort.Popular, limit: 500, ct: ct);
            var topCounts = top.SelectMany(i => i.Categories ?? []).CountBy(c => c).ToDictionary(p => p.Key, p => p.Value);
            category = catalog.Items
                .SelectMany(i => i.Categories ?? [])
                .CountBy(c => c)
                .Where(p => p.Value >= 8)
                .OrderBy(p => topCounts.GetValueOrDefault(p.Key))
                .ThenByDescending(p => p.Value)
                .Select(p => p.Key)
                .FirstOrDefault();
        }

        if (category is not null)
        {
            var page = await client.ListItemsAsync(category, ItemSort.Popular, limit: 30, ct: ct);
            var picks = page.Items
                .Where(i => !inTop.Contains(i.ItemId))
                .Take(3)
                .Select(i => new RecommendedItem(0, i.ItemId, i.Title, i.Categories, i.Popularity ?? 0))
                .ToList();
            if (picks.Count == 3)
            {
                return (category, picks);
            }
        }

        return (null, top.Take(3).ToList());
    }

    private static int Share(IReadOnlyList<RecommendedItem> items, string category) =>
        items.Count(i => i.Categories?.Contains(category, StringComparer.OrdinalIgnoreCase) == true);
}
