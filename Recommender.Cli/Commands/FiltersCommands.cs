using System.ComponentModel;
using System.Globalization;
using Recommender.Client.Api;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Recommender.Client.Commands;

/// <summary><c>reco filters [list]</c>: every stored filter.</summary>
public sealed class FiltersListCommand : RecoCommand<RecoSettings>
{
    protected override async Task<int> RunAsync(RecoSettings s, CancellationToken ct)
    {
        using var client = s.CreateClient();
        var filters = await client.ListFiltersAsync(ct);
        if (filters.Length == 0)
        {
            AnsiConsole.MarkupLine("No stored filters. [grey]reco filters put <name> <expression> stores one.[/]");
            return 0;
        }

        var table = new Table().Border(TableBorder.Rounded).Title($"{filters.Length} stored filters");
        table.AddColumn(new TableColumn("name").NoWrap());
        table.AddColumn("expression");
        table.AddColumn("parameters");
        table.AddColumn("description");
        foreach (var f in filters.OrderBy(f => f.Name, StringComparer.Ordinal))
            table.AddRow(Markup.Escape(f.Name), Markup.Escape(f.Expression), Markup.Escape(string.Join(", ", (f.Parameters ?? []).Select(p => "$" + p))), Markup.Escape(f.Description ?? ""));
        AnsiConsole.Write(table);
        return 0;
    }
}

/// <summary><c>reco filters get &lt;name&gt;</c>.</summary>
public sealed class FiltersGetCommand : RecoCommand<RuleNameSettings>
{
    protected override async Task<int> RunAsync(RuleNameSettings s, CancellationToken ct)
    {
        using var client = s.CreateClient();
        var filter = await client.GetFilterAsync(s.Name, ct);
        if (filter is null)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]No stored filter '{s.Name}'.[/]");
            return ApiError;
        }

        FiltersView.Write(filter);
        return 0;
    }
}

public sealed class FiltersPutSettings : RuleNameSettings
{
    [CommandArgument(1, "<expression>")]
    public string Expression { get; set; } = "";

    [CommandOption("--description <TEXT>")]
    public string? Description { get; set; }
}

/// <summary><c>reco filters put &lt;name&gt; &lt;expression&gt; [--description …]</c>: stores (or replaces) a filter.</summary>
public sealed class FiltersPutCommand : RecoCommand<FiltersPutSettings>
{
    protected override async Task<int> RunAsync(FiltersPutSettings s, CancellationToken ct)
    {
        using var client = s.CreateClient();
        var filter = await client.PutFilterAsync(s.Name, s.Expression, s.Description, ct);
        AnsiConsole.MarkupLineInterpolated($"Stored filter {filter.Name}.");
        FiltersView.Write(filter);
        return 0;
    }
}

/// <summary><c>reco filters delete &lt;name&gt;</c>.</summary>
public sealed class FiltersDeleteCommand() : RuleDeleteCommand("filter", "stored filter")
{
    protected override Task<bool> DeleteAsync(RecommenderClient client, string name, CancellationToken ct) => client.DeleteFilterAsync(name, ct);
}

public sealed class FiltersItemsSettings : RuleNameSettings
{
    [CommandOption("-n|--limit <N>")]
    [DefaultValue(10)]
    public int Limit { get; set; } = 10;

    [CommandOption("--param <NAME=VALUE>")]
    [Description("A $parameter of the filter (repeatable).")]
    public string[] Parameters { get; set; } = [];

    public override ValidationResult Validate() =>
        Limit is < 1 or > 1000 ? ValidationResult.Error("--limit must be between 1 and 1000.") : base.Validate();
}

/// <summary><c>reco filters items &lt;name&gt;</c>: how many items the filter keeps now, the first by popularity.</summary>
public sealed class FiltersItemsCommand : RecoCommand<FiltersItemsSettings>
{
    protected override async Task<int> RunAsync(FiltersItemsSettings s, CancellationToken ct)
    {
        using var client = s.CreateClient();
        var matches = await client.GetFilterItemsAsync(s.Name, s.Limit, PropertyArguments.Parameters(s.Parameters), ct);
        AnsiConsole.MarkupLineInterpolated($"Filter {matches.Name} keeps {matches.Total.ToString(CultureInfo.InvariantCulture)} items.");
        foreach (var id in matches.ItemIds) AnsiConsole.WriteLine("  " + id);
        return 0;
    }
}

internal static class FiltersView
{
    public static void Write(StoredFilter filter)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(filter.Name)).HideHeaders();
        table.AddColumn("field");
        table.AddColumn("value");
        table.AddRow("expression", Markup.Escape(filter.Expression));
        if (filter.Description is { } description) table.AddRow("description", Markup.Escape(description));
        if (filter.Parameters is { Count: > 0 } parameters) table.AddRow("parameters", Markup.Escape(string.Join(", ", parameters.Select(p => "$" + p))));
        if (filter.UserProperties is { Count: > 0 } user) table.AddRow("user properties", Markup.Escape(string.Join(", ", user.Select(p => "user." + p))));
        table.AddRow("updated", filter.UpdatedAt.ToString("O", CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
    }
}
