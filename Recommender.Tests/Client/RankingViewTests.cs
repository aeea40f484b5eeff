using Recommender.Client.Api;
using Recommender.Client.Rendering;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Recommender.Tests.Client;

public class RankingViewTests
{
    [Fact]
    public void The_summary_gives_new_items_their_rank_and_score_removed_ones_their_former_rank_and_moves_from_to()
    {
        RecommendedItem Item(int rank, string id, double score) => new(rank, id, $"Title {id}", ["Drama"], score);
        IReadOnlyList<RecommendedItem> first = [Item(1, "a", 0.9), Item(2, "b", 0.8), Item(3, "c", 0.7), Item(4, "d", 0.6)];
        IReadOnlyList<RecommendedItem> final = [Item(1, "c", 0.95), Item(2, "a", 0.85), Item(3, "e", 0.75), Item(4, "b", 0.65)];

        var lines = Render(RankingView.Summary("summary", first, final), 100).Split('\n').Select(l => l.TrimEnd()).ToList();

        Assert.Contains(lines, l => l == "│ new     │ e    │ Title e │ #3      │ 0.750 │");
        Assert.Contains(lines, l => l == "│ removed │ d    │ Title d │ was #4  │       │");
        Assert.Contains(lines, l => l == "│ ↑ 2     │ c    │ Title c │ #3 → #1 │ 0.950 │");
        Assert.Contains(lines, l => l == "│ ↓ 2     │ b    │ Title b │ #2 → #4 │ 0.650 │");
        Assert.Contains(lines, l => l.Trim() == "1 new, 1 removed, 3 moved, 0 in place");
    }

    [Fact]
    public void Identical_lists_sum_up_as_no_change()
    {
        IReadOnlyList<RecommendedItem> list = [new(1, "a", "A", null, 1)];
        Assert.Equal("no change", Render(RankingView.Summary("summary", list, list), 100).Trim());
    }

    [Theory]
    [InlineData(120, true, true)]
    [InlineData(90, false, true)]
    [InlineData(60, false, false)]
    public void Narrow_ranking_tables_leave_out_the_reasons_then_the_categories(int width, bool why, bool categories)
    {
        IReadOnlyList<RecommendedItem> items = [new(1, "a", "A", ["Drama"], 1, "because you liked B")];

        var header = Render(RankingView.Table("t", items, width: width), width).Split('\n').First(l => l.Contains("│ #"));

        Assert.Equal(why, header.Contains("why"));
        Assert.Equal(categories, header.Contains("categories"));
    }

    [Theory]
    [InlineData("160", true, 160)]
    [InlineData("160", false, 160)]
    [InlineData(null, true, 120)]
    [InlineData("", true, 120)]
    [InlineData("wide", true, 120)]
    [InlineData("10", true, ConsoleWidth.Minimum)]
    [InlineData(null, false, null)]
    public void COLUMNS_sets_the_width_and_a_pipe_without_it_gets_120(string? columns, bool redirected, int? expected)
    {
        Assert.Equal(expected, ConsoleWidth.Resolve(columns, redirected));
    }

    /// <summary>Plain text (no colours, no ANSI) at a fixed width, as a pipe would get it.</summary>
    private static string Render(IRenderable renderable, int width)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = width;
        console.Write(renderable);
        return writer.ToString();
    }
}
