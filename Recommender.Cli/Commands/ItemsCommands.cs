using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Recommender.Client.Api;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Recommender.Client.Commands;

/// <summary>Options of the commands that take a filter (docs/FILTERS.md).</summary>
public class FilteredSettings : RecoSettings
{
    [CommandOption("--filter <EXPRESSION>")]
    [Description("Only items the filter keeps, e.g. \"price < 50 AND brand IN ('acme')\".")]
    public string? Filter { get; set; }

    [CommandOption("--filter-name <NAME>")]
    [Description("A stored filter (reco filters list).")]
    public string? FilterName { get; set; }

    [CommandOption("--param <NAME=VALUE>")]
    [Description("A $parameter of the filter (repeatable): max=50, regions=[[\"EU\",\"US\"]].")]
    public string[] Parameters { get; set; } = [];

    public FilterSpec? Spec() => Filter is null && FilterName is null && Parameters.Length == 0
        ? null
        : new FilterSpec(Filter, FilterName, PropertyArguments.Parameters(Parameters));
}

public sealed class ItemsListSettings : FilteredSettings
{
    [CommandOption("--category <CATEGORY>")]
    public string? Category { get; set; }

    [CommandOption("-n|--limit <N>")]
    [DefaultValue(20)]
    public int Limit { get; set; } = 20;

    [CommandOption("--offset <N>")]
    [DefaultValue(0)]
    public int Offset { get; set; }

    [CommandOption("--sort <ORDER>")]
    [Description("popular (default) or id.")]
    public string? Sort { get; set; }

    public override ValidationResult Validate() =>
        Limit is < 1 or > 1000 ? ValidationResult.Error("--limit must be between 1 and 1000.")
        : Sort is not (null or "popular" or "id") ? ValidationResult.Error("--sort must be popular or id.")
        : base.Validate();
}

/// <summary><c>reco items [list]</c>: items with their properties, narrowed by a category and a filter.</summary>
public sealed class ItemsListCommand : RecoCommand<ItemsListSettings>
{
    protected override async Task<int> RunAsync(ItemsListSettings s, CancellationToken ct)
    {
        using var client = s.CreateClient();
        var page = await client.ListCatalogAsync(s.Category, s.Spec(), s.Limit, s.Offset, s.Sort == "id" ? ItemSort.Id : ItemSort.Popular, ct);
        AnsiConsole.Write(CatalogView.Table($"{page.Items.Count} of {page.Total} items", page.Items));
        return 0;
    }
}

public sealed class ItemIdSettings : RecoSettings
{
    [CommandArgument(0, "<itemId>")]
    public string ItemId { get; set; } = "";
}

/// <summary><c>reco items get &lt;id&gt;</c>.</summary>
public sealed class ItemsGetCommand : RecoCommand<ItemIdSettings>
{
    protected override async Task<int> RunAsync(ItemIdSettings s, CancellationToken ct)
    {
        using var client = s.CreateClient();
        var item = await client.GetCatalogItemAsync(s.ItemId, ct);
        if (item is null)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]No item '{s.ItemId}'[/] (unknown or deleted).");
            return ApiError;
        }

        AnsiConsole.Write(CatalogView.Details(item));
        return 0;
    }
}

public sealed class ItemsPutSettings : RecoSettings
{
    [CommandArgument(0, "<itemId>")]
    public string ItemId { get; set; } = "";

    [CommandOption("--title <TITLE>")]
    public string? Title { get; set; }

    [CommandOption("--category <CATEGORY>")]
    [Description("A category (repeatable).")]
    public string[] Categories { get; set; } = [];

    [CommandOption("--property <NAME=VALUE>")]
    [Description("A property (repeatable): price=9.5, onSale=true, releasedAt=2026-01-02T00:00:00Z, tags=[[a,b]], brand=acme; quotes force text: code='42'.")]
    public string[] Properties { get; set; } = [];

    [CommandOption("--hidden")]
    [Description("Kept in the catalogue and in training, never served.")]
    public bool Hidden { get; set; }

    [CommandOption("--available-from <ISO>")]
    public string? AvailableFrom { get; set; }

    [CommandOption("--expires <ISO>")]
    public string? Expires { get; set; }
}

/// <summary><c>reco items put &lt;id&gt; --title … --category … --property name=value …</c>: describes an item whole.</summary>
public sealed class ItemsPutCommand : RecoCommand<ItemsPutSettings>
{
    protected override async Task<int> RunAsync(ItemsPutSettings s, CancellationToken ct)
    {
        var body = new JsonObject
        {
            ["title"] = s.Title,
            ["categories"] = new JsonArray([.. s.Categories.Select(c => (JsonNode)JsonValue.Create(c))]),
            ["properties"] = PropertyArguments.Parse(s.Properties),
        };
        if (s.Hidden) body["hidden"] = true;
        if (s.AvailableFrom is not null) body["availableFrom"] = s.AvailableFrom;
        if (s.Expires is not null) body["expiresAt"] = s.Expires;
        using var client = s.CreateClient();
        var item = await client.PutCatalogItemAsync(s.ItemId, body, ct);
        AnsiConsole.Write(CatalogView.Details(item));
        return 0;
    }
}

public sealed class ItemsPatchSettings : RecoSettings
{
    [CommandArgument(0, "<itemId>")]
    public string ItemId { get; set; } = "";

    [CommandOption("--title <TITLE>")]
    public string? Title { get; set; }

    [CommandOption("--category <CATEGORY>")]
    [Description("Replaces the categories (repeatable).")]
    public string[] Categories { get; set; } = [];

    [CommandOption("--property <NAME=VALUE>")]
    [Description("Sets a property (repeatable), typed as for items put.")]
    public string[] Properties { get; set; } = [];

    [CommandOption("--unset <NAME>")]
    [Description("Removes a property (repeatable).")]
    public string[] Unset { get; set; } = [];

    [CommandOption("--hide")]
    public bool Hide { get; set; }

    [CommandOption("--show")]
    public bool Show { get; set; }

    [CommandOption("--available-from <ISO>")]
    [Description("An ISO 8601 date-time, or none to clear it.")]
    public string? AvailableFrom { get; set; }

    [CommandOption("--expires <ISO>")]
    [Description("An ISO 8601 date-time, or none to clear it.")]
    public string? Expires { get; set; }

    public override ValidationResult Validate() =>
        Hide && Show ? ValidationResult.Error("--hide and --show contradict each other.")
        : Title is null && Categories.Length == 0 && Properties.Length == 0 && Unset.Length == 0 && !Hide && !Show && AvailableFrom is null && Expires is null
            ? ValidationResult.Error("Nothing to change: give --title, --category, --property, --unset, --hide, --show, --available-from or --expires.")
            : base.Validate();
}

/// <summary><c>reco items patch &lt;id&gt; --property … --hide/--show --expires &lt;iso&gt;</c>: a JSON Merge Patch of the item.</summary>
public sealed class ItemsPatchCommand : RecoCommand<ItemsPatchSettings>
{
    protected override async Task<int> RunAsync(ItemsPatchSettings s, CancellationToken ct)
    {
        var patch = new JsonObject();
        if (s.Title is not null) patch["title"] = s.Title;
        if (s.Categories.Length > 0) patch["categories"] = new JsonArray([.. s.Categories.Select(c => (JsonNode)JsonValue.Create(c))]);
        if (s.Properties.Length > 0 || s.Unset.Length > 0)
        {
            var properties = PropertyArguments.Parse(s.Properties);
            foreach (var name in s.Unset) properties[name] = null;
            patch["properties"] = properties;
        }

        if (s.Hide) patch["hidden"] = true;
        if (s.Show) patch["hidden"] = false;
        if (s.AvailableFrom is not null) patch["availableFrom"] = s.AvailableFrom == "none" ? null : s.AvailableFrom;
        if (s.Expires is not null) patch["expiresAt"] = s.Expires == "none" ? null : s.Expires;
        using var client = s.CreateClient();
        var item = await client.PatchItemAsync(s.ItemId, patch, ct);
        AnsiConsole.Write(CatalogView.Details(item));
        return 0;
    }
}

/// <summary><c>reco items delete &lt;id&gt;</c>.</summary>
public sealed class ItemsDeleteCommand : RecoCommand<ItemIdSettings>
{
    protected override async Task<int> RunAsync(ItemIdSettings s, CancellationToken ct)
    {
        using var client = s.CreateClient();
        if (!await client.DeleteItemAsync(s.ItemId, ct))
        {
            AnsiConsole.MarkupLineInterpolated($"[red]No item '{s.ItemId}'[/] (unknown or already deleted).");
            return ApiError;
        }

        AnsiConsole.MarkupLineInterpolated($"Deleted item {s.ItemId}: gone from every ranking and list.");
        return 0;
    }
}

public sealed class ItemsLatestSettings : FilteredSettings
{
    [CommandOption("--category <CATEGORY>")]
    public string? Category { get; set; }

    [CommandOption("-n|--limit <N>")]
    [DefaultValue(10)]
    public int Limit { get; set; } = 10;

    public override ValidationResult Validate() =>
        Limit is < 1 or > 1000 ? ValidationResult.Error("--limit must be between 1 and 1000.") : base.Validate();
}

/// <summary><c>reco items latest</c>: the newest servable items.</summary>
public sealed class ItemsLatestCommand : RecoCommand<ItemsLatestSettings>
{
    protected override async Task<int> RunAsync(ItemsLatestSettings s, CancellationToken ct)
    {
        using var client = s.CreateClient();
        var latest = await client.GetLatestAsync(s.Limit, s.Category, s.Spec(), ct);
        var table = new Table().Border(TableBorder.Rounded).Title("newest items");
        table.AddColumn(new TableColumn("#").RightAligned().NoWrap());
        table.AddColumn(new TableColumn("item").NoWrap());
        table.AddColumn("title");
        table.AddColumn(new TableColumn("age (days)").RightAligned().NoWrap());
        foreach (var item in latest.Items)
            table.AddRow(item.Rank.ToString(CultureInfo.InvariantCulture), Markup.Escape(item.ItemId), Markup.Escape(item.Title ?? ""),
                (-item.Score).ToString("0.0", CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
        return 0;
    }
}

/// <summary>Tables of catalogue items with their properties.</summary>
public static class CatalogView
{
    public static Table Table(string title, IReadOnlyList<CatalogItem> items)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(title));
        table.AddColumn(new TableColumn("item").NoWrap());
        table.AddColumn("title");
        table.AddColumn("categories");
        table.AddColumn("properties");
        table.AddColumn(new TableColumn("served").NoWrap());
        foreach (var item in items)
            table.AddRow(Markup.Escape(item.ItemId), Markup.Escape(item.Title ?? ""), Markup.Escape(string.Join(", ", item.Categories ?? [])),
                Markup.Escape(Properties(item.Properties)), Served(item));
        return table;
    }

    public static Table Details(CatalogItem item)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(item.ItemId)).HideHeaders();
        table.AddColumn("field");
        table.AddColumn("value");
        table.AddRow("title", Markup.Escape(item.Title ?? ""));
        table.AddRow("categories", Markup.Escape(string.Join(", ", item.Categories ?? [])));
        if (item.CreatedAt is { } created) table.AddRow("createdAt", created.ToString("O", CultureInfo.InvariantCulture));
        if (item.Properties is { ValueKind: JsonValueKind.Object } properties)
            foreach (var property in properties.EnumerateObject())
                table.AddRow(Markup.Escape(property.Name), Markup.Escape(Text(property.Value)));
        table.AddRow("hidden", item.Hidden ? "true" : "false");
        if (item.AvailableFrom is { } from) table.AddRow("availableFrom", from.ToString("O", CultureInfo.InvariantCulture));
        if (item.ExpiresAt is { } until) table.AddRow("expiresAt", until.ToString("O", CultureInfo.InvariantCulture));
        table.AddRow("served", Served(item));
        return table;
    }

    /// <summary>name=value, name=value (lists as [a,b]).</summary>
    public static string Properties(JsonElement? properties) => properties is { ValueKind: JsonValueKind.Object } bag
        ? string.Join(", ", bag.EnumerateObject().Select(p => $"{p.Name}={Text(p.Value)}"))
        : "";

    private static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? "",
        JsonValueKind.Array => "[" + string.Join(",", value.EnumerateArray().Select(Text)) + "]",
        _ => value.GetRawText(),
    };

    private static string Served(CatalogItem item) => item.Available ? "yes" : item.Hidden ? "no (hidden)" : "no (outside its window)";
}
