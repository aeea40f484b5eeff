using Recommender.Client.Api;
using Recommender.Client.Ranking;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Recommender.Client.Rendering;

/// <summary>Spectre tables for rankings and their diffs.</summary>
public static class RankingView
{
    /// <summary>Narrower than this, the "why" column is left out: it would wrap a few words a line.</summary>
    public const int WhyMinWidth = 100;

    /// <summary>Narrower than this, the categories are left out too, so the titles keep their room.</summary>
    public const int CategoriesMinWidth = 80;

    /// <summary>
    /// A ranking table; with a previous ranking, a "move" column shows new / ↑ n / ↓ n. Short columns
    /// never wrap; the categories and reasons are left out when <paramref name="width"/> (default: the
    /// console's) is too narrow for them.
    /// </summary>
    public static Table Table(string title, IReadOnlyList<RecommendedItem> items, IReadOnlyList<string>? previous = null, int? width = null)
    {
        var previousRanks = previous?
            .Select((id, i) => (id, rank: i + 1))
            .GroupBy(p => p.id, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().rank, StringComparer.Ordinal);
        var available = width ?? AnsiConsole.Profile.Width;
        var withCategories = available >= CategoriesMinWidth;
        var withReason = available >= WhyMinWidth && items.Any(i => !string.IsNullOrEmpty(i.Reason));

        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(title));
        table.AddColumn(new TableColumn("#").RightAligned().NoWrap());
        table.AddColumn(new TableColumn("item").NoWrap());
        table.AddColumn("title");
        if (withCategories)
        {
            table.AddColumn("categories");
        }

        table.AddColumn(new TableColumn("score").RightAligned().NoWrap());
        if (previousRanks is not null)
        {
            table.AddColumn(new TableColumn("move").NoWrap());
        }

        if (withReason)
        {
            table.AddColumn("why");
        }

        foreach (var item in items)
        {
            var row = new List<string>
            {
                item.Rank.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Markup.Escape(item.ItemId),
                Markup.Escape(item.Title ?? ""),
            };
            if (withCategories)
            {
                row.Add(Markup.Escape(string.Join(", ", item.Categories ?? [])));
            }

            row.Add(Score(item.Score));
            if (previousRanks is not null)
            {
                row.Add(Move(previousRanks, item.ItemId, item.Rank));
            }

            if (withReason)
            {
                row.Add(Markup.Escape(item.Reason ?? ""));
            }

            table.AddRow(row.ToArray());
        }

        return table;
    }

    /// <summary>
    /// The whole session at a glance, <paramref name="first"/> ranking against <paramref name="final"/>:
    /// the items that entered (their rank, title and score), those that left (title and former rank)
    /// and those that moved (from → to). "no change" when both hold the same items in the same order.
    /// </summary>
    public static IRenderable Summary(string title, IReadOnlyList<RecommendedItem> first, IReadOnlyList<RecommendedItem> final)
    {
        var diff = RankingDiff.Compute(first.Select(i => i.ItemId).ToList(), final.Select(i => i.ItemId).ToList());
        if (diff.IsEmpty)
        {
            return new Markup("[grey]no change[/]");
        }

        // Titles and scores come from the list the item is in (its first occurrence, as RankingDiff ranks it).
        var before = ById(first);
        var after = ById(final);
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(title));
        table.AddColumn(new TableColumn("change").NoWrap());
        table.AddColumn(new TableColumn("item").NoWrap());
        table.AddColumn("title");
        table.AddColumn(new TableColumn("rank").NoWrap());
        table.AddColumn(new TableColumn("score").RightAligned().NoWrap());
        foreach (var id in diff.Added)
        {
            var (rank, item) = after[id];
            table.AddRow("[green]new[/]", Markup.Escape(id), Markup.Escape(item.Title ?? ""), $"#{rank}", Score(item.Score));
        }

        foreach (var id in diff.Removed)
        {
            var (rank, item) = before[id];
            table.AddRow("[red]removed[/]", Markup.Escape(id), Markup.Escape(item.Title ?? ""), $"was #{rank}", "");
        }

        foreach (var move in diff.Moved)
        {
            var item = after[move.ItemId].Item;
            table.AddRow(
                move.Delta > 0 ? $"[green]{move.Arrow}[/]" : $"[red]{move.Arrow}[/]",
                Markup.Escape(move.ItemId),
                Markup.Escape(item.Title ?? ""),
                $"#{move.From} → #{move.To}",
                Score(item.Score));
        }

        var unchanged = final.Count - diff.Added.Count - diff.Moved.Count;
        table.Caption($"{diff.Added.Count} new, {diff.Removed.Count} removed, {diff.Moved.Count} moved, {unchanged} in place");
        return table;
    }

    /// <summary>One line per kind of change: added, removed, moved.</summary>
    public static IRenderable Diff(RankingDiff diff)
    {
        if (diff.IsEmpty)
        {
            return new Markup("[grey]no change[/]");
        }

        var grid = new Grid().AddColumn().AddColumn();
        if (diff.Added.Count > 0)
        {
            grid.AddRow("[green]new[/]", Markup.Escape(string.Join(", ", diff.Added)));
        }

        if (diff.Removed.Count > 0)
        {
            grid.AddRow("[red]removed[/]", Markup.Escape(string.Join(", ", diff.Removed)));
        }

        if (diff.Moved.Count > 0)
        {
            grid.AddRow(
                "[yellow]moved[/]",
                Markup.Escape(string.Join(", ", diff.Moved.Select(m => $"{m.ItemId} {m.Arrow} ({m.From}→{m.To})"))));
        }

        return grid;
    }

    private static string Score(double score) => score.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture);

    private static Dictionary<string, (int Rank, RecommendedItem Item)> ById(IReadOnlyList<RecommendedItem> items)
    {
        var byId = new Dictionary<string, (int, RecommendedItem)>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            byId.TryAdd(items[i].ItemId, (i + 1, items[i]));
        }

        return byId;
    }

    private static string Move(Dictionary<string, int> previousRanks, string itemId, int rank)
    {
        if (!previousRanks.TryGetValue(itemId, out var before))
        {
            return "[green]new[/]";
        }

        var delta = before - rank;
        return delta switch
        {
            > 0 => $"[green]↑ {delta}[/]",
            < 0 => $"[red]↓ {-delta}[/]",
            _ => "[grey]=[/]",
        };
    }
}
