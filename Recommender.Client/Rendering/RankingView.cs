using Recommender.Client.Api;
using Recommender.Client.Ranking;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Recommender.Client.Rendering;

/// <summary>Spectre tables for rankings and their diffs.</summary>
public static class RankingView
{
    /// <summary>A ranking table; with a previous ranking, a "move" column shows new / ↑ n / ↓ n.</summary>
    public static Table Table(string title, IReadOnlyList<RecommendedItem> items, IReadOnlyList<string>? previous = null)
    {
        var previousRanks = previous?
            .Select((id, i) => (id, rank: i + 1))
            .GroupBy(p => p.id, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().rank, StringComparer.Ordinal);

        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(title));
        table.AddColumn(new TableColumn("#").RightAligned());
        table.AddColumn("item");
        table.AddColumn("title");
        table.AddColumn("categories");
        table.AddColumn(new TableColumn("score").RightAligned());
        if (previousRanks is not null)
        {
            table.AddColumn("move");
        }

        if (items.Any(i => !string.IsNullOrEmpty(i.Reason)))
        {
            table.AddColumn("why");
        }

        var withReason = table.Columns.Count > (previousRanks is null ? 5 : 6);
        foreach (var item in items)
        {
            var row = new List<string>
            {
                item.Rank.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Markup.Escape(item.ItemId),
                Markup.Escape(item.Title ?? ""),
                Markup.Escape(string.Join(", ", item.Categories ?? [])),
                item.Score.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture),
            };
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
