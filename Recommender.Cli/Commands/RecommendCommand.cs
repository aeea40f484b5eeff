using System.ComponentModel;
using System.Globalization;
using Recommender.Client.Api;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Recommender.Client.Commands;

public sealed class RecommendSettings : FilteredSettings
{
    [CommandArgument(0, "<userId>")]
    public string UserId { get; set; } = "";

    [CommandOption("-k <K>")]
    [Description("How many items (1–100). Default 10.")]
    [DefaultValue(10)]
    public int K { get; set; } = 10;

    [CommandOption("--category <CATEGORY>")]
    public string? Category { get; set; }

    [CommandOption("--exploration <SHARE>")]
    [Description("The share of the list (0–1) given to new items.")]
    public double? Exploration { get; set; }

    [CommandOption("--offset <N>")]
    [Description("Skip the first N items of the ranking (0–1000); ranks stay absolute.")]
    public int? Offset { get; set; }

    [CommandOption("--rotation")]
    [Description("Rank the items this user was served recently last.")]
    public bool Rotation { get; set; }

    [CommandOption("--no-rules")]
    [Description("Promotions and boosts off for this request.")]
    public bool NoRules { get; set; }

    [CommandOption("--next <RECOMMENDATION_ID>")]
    [Description("The next -k items of an earlier list (its own query; no item repeated).")]
    public string? Next { get; set; }

    public RecommendationQuery Query() => new(K, Category, Explain: true)
    {
        Filter = Filter,
        FilterName = FilterName,
        Parameters = Parameters.Length == 0 ? null : PropertyArguments.Parameters(Parameters),
        Offset = Offset,
        Rotation = Rotation ? true : null,
        Exploration = Exploration,
        ApplyRules = !NoRules,
    };

    public override ValidationResult Validate()
    {
        if (K is < 1 or > 100) return ValidationResult.Error("-k must be between 1 and 100.");
        if (Next is not null && (Filter is not null || FilterName is not null || Parameters.Length > 0 || Category is not null
            || Exploration is not null || Offset is not null || Rotation || NoRules))
            return ValidationResult.Error("--next continues a list under its own query: give only <userId>, --next and -k.");
        return base.Validate();
    }
}

/// <summary>
/// <c>reco recommend &lt;userId&gt;</c>: the user's list under every option of the API (filters,
/// parameters, category, exploration, offset, rotation, rules), or with <c>--next</c> the next page
/// of an earlier one; a table with rank, item, title, score, reason and badges (promoted, new).
/// </summary>
public sealed class RecommendCommand : RecoCommand<RecommendSettings>
{
    protected override async Task<int> RunAsync(RecommendSettings s, CancellationToken ct)
    {
        using var client = s.CreateClient();
        var list = s.Next is { } id
            ? await client.GetNextRecommendationsAsync(s.UserId, id, s.K, ct)
            : await client.GetRecommendationsAsync(s.UserId, s.Query(), ct);

        if (list.Items.Count == 0)
        {
            if (s.Next is null) AnsiConsole.MarkupLineInterpolated($"No items for {s.UserId} under this query.");
            else AnsiConsole.MarkupLineInterpolated($"No more items: list {s.Next} is exhausted.");
        }
        else
        {
            AnsiConsole.Write(Table(list));
        }

        if (list.RecommendationId is { } recommendationId)
        {
            AnsiConsole.MarkupLineInterpolated($"recommendationId: {recommendationId}");
            if (list.Items.Count > 0)
                AnsiConsole.MarkupLineInterpolated($"[grey]next page: reco recommend {s.UserId} --next {recommendationId} -k {s.K.ToString(CultureInfo.InvariantCulture)}[/]");
        }

        return 0;
    }

    public static Table Table(Recommendations list)
    {
        var title = $"{list.UserId}: {list.Strategy ?? "?"}{(list.ModelVersion is > 0 and var v ? $", model {v}" : ", no model yet")}, {list.Items.Count} items";
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(title));
        table.AddColumn(new TableColumn("#").RightAligned().NoWrap());
        table.AddColumn(new TableColumn("item").NoWrap());
        table.AddColumn("title");
        table.AddColumn(new TableColumn("score").RightAligned().NoWrap());
        table.AddColumn("reason");
        table.AddColumn(new TableColumn("badges").NoWrap());
        foreach (var item in list.Items)
            table.AddRow(item.Rank.ToString(CultureInfo.InvariantCulture), Markup.Escape(item.ItemId), Markup.Escape(item.Title ?? ""),
                item.Score.ToString("0.000", CultureInfo.InvariantCulture), Markup.Escape(item.Reason ?? ""), Markup.Escape(Badges(item)));
        return table;
    }

    /// <summary>"promoted: summer, new", or empty for an organic, established item.</summary>
    public static string Badges(RecommendedItem item)
    {
        var badges = new List<string>(2);
        if (item.Promotion is { } promotion) badges.Add("promoted: " + promotion);
        if (item.IsNew) badges.Add("new");
        return string.Join(", ", badges);
    }
}
