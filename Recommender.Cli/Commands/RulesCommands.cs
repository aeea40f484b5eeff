using System.ComponentModel;
using System.Globalization;
using Recommender.Client.Api;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Recommender.Client.Commands;

/// <summary>The <c>&lt;name&gt;</c> of a stored rule (a promotion, a boost).</summary>
public class RuleNameSettings : RecoSettings
{
    [CommandArgument(0, "<name>")]
    public string Name { get; set; } = "";
}

/// <summary>The rule's filter: exactly one of an expression and a stored filter's name (the service checks).</summary>
public class RuleFilterSettings : RuleNameSettings
{
    [CommandOption("--filter <EXPRESSION>")]
    [Description("The items the rule applies to, e.g. \"onSale AND categories = 'Shoes'\" (no $parameters).")]
    public string? Filter { get; set; }

    [CommandOption("--filter-name <NAME>")]
    [Description("A stored filter instead of --filter (reco filters list).")]
    public string? FilterName { get; set; }

    [CommandOption("--disabled")]
    [Description("Store it switched off.")]
    public bool Disabled { get; set; }
}

public sealed class PromotePutSettings : RuleFilterSettings
{
    [CommandOption("--slots <N>")]
    [Description("Places taken in each block of --per (1 – per).")]
    public int? Slots { get; set; }

    [CommandOption("--per <N>")]
    [Description("The block size (1–100).")]
    public int? Per { get; set; }

    [CommandOption("--positions <LIST>")]
    [Description("The 1-based places within each block, one per slot: 2,6. Default: spread evenly.")]
    public string? Positions { get; set; }

    [CommandOption("--starts <ISO>")]
    [Description("Active from this ISO 8601 date-time (inclusive).")]
    public string? Starts { get; set; }

    [CommandOption("--ends <ISO>")]
    [Description("Active until this ISO 8601 date-time (exclusive).")]
    public string? Ends { get; set; }

    public override ValidationResult Validate() =>
        Slots is null || Per is null ? ValidationResult.Error("--slots and --per are required (e.g. --slots 2 --per 10).") : base.Validate();
}

/// <summary><c>reco promote [list]</c>: every promotion, in the order they are applied.</summary>
public sealed class PromoteListCommand : RecoCommand<RecoSettings>
{
    protected override async Task<int> RunAsync(RecoSettings s, CancellationToken ct)
    {
        using var client = s.CreateClient();
        var promotions = await client.ListPromotionsAsync(ct);
        if (promotions.Length == 0)
        {
            AnsiConsole.MarkupLine("No promotions. [grey]reco promote put <name> --filter <expression> --slots 2 --per 10 stores one.[/]");
            return 0;
        }

        var table = new Table().Border(TableBorder.Rounded).Title($"{promotions.Length} promotions");
        table.AddColumn(new TableColumn("name").NoWrap());
        table.AddColumn("filter");
        table.AddColumn(new TableColumn("places").NoWrap());
        table.AddColumn("window");
        table.AddColumn(new TableColumn("state").NoWrap());
        foreach (var p in promotions)
            table.AddRow(Markup.Escape(p.Name), Markup.Escape(RulesView.Filter(p.Filter, p.FilterName)), Markup.Escape(RulesView.Places(p)),
                Markup.Escape(RulesView.Window(p.StartsAt, p.EndsAt)), RulesView.State(p));
        AnsiConsole.Write(table);
        return 0;
    }
}

/// <summary><c>reco promote get &lt;name&gt;</c>.</summary>
public sealed class PromoteGetCommand : RecoCommand<RuleNameSettings>
{
    protected override async Task<int> RunAsync(RuleNameSettings s, CancellationToken ct)
    {
        using var client = s.CreateClient();
        var promotion = await client.GetPromotionAsync(s.Name, ct);
        if (promotion is null)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]No promotion '{s.Name}'.[/]");
            return ApiError;
        }

        AnsiConsole.Write(RulesView.Details(promotion));
        return 0;
    }
}

/// <summary><c>reco promote put &lt;name&gt; --filter … --slots 2 --per 10 [--positions 2,6] [--starts …] [--ends …] [--disabled]</c>.</summary>
public sealed class PromotePutCommand : RecoCommand<PromotePutSettings>
{
    protected override async Task<int> RunAsync(PromotePutSettings s, CancellationToken ct)
    {
        var spec = new PromotionSpec(s.Filter, s.FilterName, s.Slots!.Value, s.Per!.Value,
            RulesView.ParsePositions(s.Positions), RulesView.ParseInstant(s.Starts, "--starts"), RulesView.ParseInstant(s.Ends, "--ends"), !s.Disabled);
        using var client = s.CreateClient();
        var promotion = await client.PutPromotionAsync(s.Name, spec, ct);
        AnsiConsole.MarkupLineInterpolated($"Stored promotion {promotion.Name}.");
        AnsiConsole.Write(RulesView.Details(promotion));
        return 0;
    }
}

/// <summary><c>reco promote delete &lt;name&gt;</c>.</summary>
public sealed class PromoteDeleteCommand() : RuleDeleteCommand("promotion", "promotion")
{
    protected override Task<bool> DeleteAsync(RecommenderClient client, string name, CancellationToken ct) => client.DeletePromotionAsync(name, ct);
}

public sealed class BoostsPutSettings : RuleFilterSettings
{
    [CommandOption("--multiply <X>")]
    [Description("Score factor, greater than 0 and at most 100 (a negative score is divided). Default 1.")]
    [DefaultValue(1.0)]
    public double Multiply { get; set; } = 1;

    [CommandOption("--add <X>")]
    [Description("Added after multiplying, −10 to 10, in units of the score scale. Default 0.")]
    [DefaultValue(0.0)]
    public double Add { get; set; }
}

/// <summary><c>reco boosts [list]</c>: every boost, in the order they compose.</summary>
public sealed class BoostsListCommand : RecoCommand<RecoSettings>
{
    protected override async Task<int> RunAsync(RecoSettings s, CancellationToken ct)
    {
        using var client = s.CreateClient();
        var boosts = await client.ListBoostsAsync(ct);
        if (boosts.Length == 0)
        {
            AnsiConsole.MarkupLine("No boosts. [grey]reco boosts put <name> --filter <expression> --multiply 1.5 stores one.[/]");
            return 0;
        }

        var table = new Table().Border(TableBorder.Rounded).Title($"{boosts.Length} boosts");
        table.AddColumn(new TableColumn("name").NoWrap());
        table.AddColumn("filter");
        table.AddColumn(new TableColumn("effect").NoWrap());
        table.AddColumn(new TableColumn("state").NoWrap());
        foreach (var b in boosts)
            table.AddRow(Markup.Escape(b.Name), Markup.Escape(RulesView.Filter(b.Filter, b.FilterName)), Markup.Escape(RulesView.Effect(b)), b.Enabled ? "enabled" : "[grey]disabled[/]");
        AnsiConsole.Write(table);
        return 0;
    }
}

/// <summary><c>reco boosts get &lt;name&gt;</c>.</summary>
public sealed class BoostsGetCommand : RecoCommand<RuleNameSettings>
{
    protected override async Task<int> RunAsync(RuleNameSettings s, CancellationToken ct)
    {
        using var client = s.CreateClient();
        var boost = await client.GetBoostAsync(s.Name, ct);
        if (boost is null)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]No boost '{s.Name}'.[/]");
            return ApiError;
        }

        AnsiConsole.Write(RulesView.Details(boost));
        return 0;
    }
}

/// <summary><c>reco boosts put &lt;name&gt; --filter … --multiply 1.5 [--add 0] [--disabled]</c>.</summary>
public sealed class BoostsPutCommand : RecoCommand<BoostsPutSettings>
{
    protected override async Task<int> RunAsync(BoostsPutSettings s, CancellationToken ct)
    {
        using var client = s.CreateClient();
        var boost = await client.PutBoostAsync(s.Name, new BoostSpec(s.Filter, s.FilterName, s.Multiply, s.Add, !s.Disabled), ct);
        AnsiConsole.MarkupLineInterpolated($"Stored boost {boost.Name}.");
        AnsiConsole.Write(RulesView.Details(boost));
        return 0;
    }
}

/// <summary><c>reco boosts delete &lt;name&gt;</c>.</summary>
public sealed class BoostsDeleteCommand() : RuleDeleteCommand("boost", "boost")
{
    protected override Task<bool> DeleteAsync(RecommenderClient client, string name, CancellationToken ct) => client.DeleteBoostAsync(name, ct);
}

/// <summary><c>reco filters|promote|boosts delete &lt;name&gt;</c>: one answer for every kind of stored rule.</summary>
/// <param name="kind">In "Deleted {kind} x."</param>
/// <param name="label">In "No {label} 'x'." (e.g. "stored filter").</param>
public abstract class RuleDeleteCommand(string kind, string label) : RecoCommand<RuleNameSettings>
{
    protected abstract Task<bool> DeleteAsync(RecommenderClient client, string name, CancellationToken ct);

    protected override async Task<int> RunAsync(RuleNameSettings s, CancellationToken ct)
    {
        using var client = s.CreateClient();
        if (!await DeleteAsync(client, s.Name, ct))
        {
            AnsiConsole.MarkupLineInterpolated($"[red]No {label} '{s.Name}'.[/]");
            return ApiError;
        }

        AnsiConsole.MarkupLineInterpolated($"Deleted {kind} {s.Name}.");
        return 0;
    }
}

/// <summary>Tables and argument parsing shared by <c>reco promote</c> and <c>reco boosts</c>.</summary>
public static class RulesView
{
    public static string Filter(string? filter, string? filterName) =>
        filter ?? (filterName is null ? "" : "filter " + filterName);

    public static string Places(Promotion p) =>
        string.Create(CultureInfo.InvariantCulture, $"{p.Slots} per {p.Per} at {string.Join(", ", p.Positions)}");

    public static string Window(DateTimeOffset? starts, DateTimeOffset? ends) => (starts, ends) switch
    {
        (null, null) => "always",
        ({ } s, null) => "from " + Iso(s),
        (null, { } e) => "until " + Iso(e),
        ({ } s, { } e) => Iso(s) + " – " + Iso(e),
    };

    public static string State(Promotion p) =>
        p.Active ? "[green]active[/]" : p.Enabled ? "[yellow]enabled, outside its window[/]" : "[grey]disabled[/]";

    /// <summary>×1.5, ×1.5 +0.1, ×2 −0.5.</summary>
    public static string Effect(Boost b)
    {
        var effect = "×" + b.Multiply.ToString("0.###", CultureInfo.InvariantCulture);
        if (b.Add > 0) effect += " +" + b.Add.ToString("0.###", CultureInfo.InvariantCulture);
        else if (b.Add < 0) effect += " −" + (-b.Add).ToString("0.###", CultureInfo.InvariantCulture);
        return effect;
    }

    public static Table Details(Promotion p)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(p.Name)).HideHeaders();
        table.AddColumn("field");
        table.AddColumn("value");
        if (p.Filter is { } filter) table.AddRow("filter", Markup.Escape(filter));
        if (p.FilterName is { } filterName) table.AddRow("filterName", Markup.Escape(filterName));
        table.AddRow("places", Markup.Escape(Places(p)));
        table.AddRow("window", Markup.Escape(Window(p.StartsAt, p.EndsAt)));
        table.AddRow("state", State(p));
        table.AddRow("updated", Iso(p.UpdatedAt));
        return table;
    }

    public static Table Details(Boost b)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(b.Name)).HideHeaders();
        table.AddColumn("field");
        table.AddColumn("value");
        if (b.Filter is { } filter) table.AddRow("filter", Markup.Escape(filter));
        if (b.FilterName is { } filterName) table.AddRow("filterName", Markup.Escape(filterName));
        table.AddRow("multiply", b.Multiply.ToString("0.###", CultureInfo.InvariantCulture));
        table.AddRow("add", b.Add.ToString("0.###", CultureInfo.InvariantCulture));
        table.AddRow("state", b.Enabled ? "enabled" : "[grey]disabled[/]");
        table.AddRow("updated", Iso(b.UpdatedAt));
        return table;
    }

    /// <summary><c>2,6</c> → [2, 6]; null stays null (the service spreads the places evenly).</summary>
    /// <exception cref="FormatException">Not a comma-separated list of whole numbers.</exception>
    public static int[]? ParsePositions(string? text)
    {
        if (text is null) return null;
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var positions = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out positions[i]))
                throw new FormatException($"--positions '{text}': expected whole numbers separated by commas, e.g. 2,6.");
        return positions;
    }

    /// <exception cref="FormatException">Not an ISO 8601 date-time.</exception>
    public static DateTimeOffset? ParseInstant(string? text, string option)
    {
        if (text is null) return null;
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) && text.Contains('T', StringComparison.Ordinal)
            ? at
            : throw new FormatException($"{option} '{text}': expected an ISO 8601 date-time, e.g. 2026-12-01T00:00:00Z.");
    }

    private static string Iso(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
