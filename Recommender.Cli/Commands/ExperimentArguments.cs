using System.Globalization;
using Recommender.Client.Api;

namespace Recommender.Client.Commands;

/// <summary>
/// <c>--variant</c> and <c>--share</c> of <c>reco experiments create</c>. A variant is
/// <c>NAME[=STRATEGY][,KEY=VALUE…]</c>:
/// <list type="bullet">
/// <item><c>NAME</c>: 1–64 letters, digits, '-', '_' or '.'; the first variant is the control.</item>
/// <item><c>STRATEGY</c> (or <c>strategy=</c>): <c>learned</c> (the model; the default) or <c>popular</c>.</item>
/// <item><c>share=</c> its share of the users (default 1: an even split; shares are normalised),
/// <c>popularShare=</c> 0–1, <c>exploration=</c> 0–1, <c>rules=on|off</c> (promotions and boosts).</item>
/// <item><c>filter=</c> an inline filter, last: everything after <c>filter=</c> is the expression, commas included.</item>
/// </list>
/// Numbers are read here, ranges checked by the service (which names the field: <c>variants[1].serving.exploration</c>).
/// </summary>
public static class ExperimentArguments
{
    public const string Syntax = "NAME[=learned|popular][,share=N][,popularShare=0-1][,exploration=0-1][,rules=on|off][,filter=EXPRESSION]";

    private static readonly string[] Keys = ["strategy", "share", "popularShare", "exploration", "rules", "filter"];

    /// <summary>The variants in order, shares from <paramref name="shares"/> (comma-separated, in variant order) or each variant's <c>share=</c>.</summary>
    /// <exception cref="FormatException">A variant or the share list that does not read; the message names it and shows the syntax.</exception>
    public static List<ExperimentVariant> Parse(IReadOnlyList<string> variants, string? shares)
    {
        var parsed = variants.Select(Variant).ToList();
        if (shares is null) return parsed.ConvertAll(p => p.Variant);

        var list = shares.Split(',', StringSplitOptions.TrimEntries);
        if (list.Length != parsed.Count)
            throw new FormatException($"--share '{shares}': {list.Length} shares for {parsed.Count} variants; give one per --variant, in order (e.g. --share 90,10).");
        var result = new List<ExperimentVariant>(parsed.Count);
        for (var i = 0; i < parsed.Count; i++)
        {
            if (parsed[i].Share is not null)
                throw new FormatException($"--share and share= in --variant '{variants[i]}': give a variant's share once.");
            result.Add(parsed[i].Variant with { Share = Number(list[i]) ?? throw new FormatException($"--share '{shares}': '{list[i]}' is not a number.") });
        }

        return result;
    }

    /// <summary>One <c>--variant</c>; its share is null when the text gives none.</summary>
    /// <exception cref="FormatException">The text does not follow <see cref="Syntax"/>.</exception>
    public static (ExperimentVariant Variant, double? Share) Variant(string text)
    {
        string Problem(string why) => $"--variant '{text}': {why} Expected {Syntax}, e.g. --variant control --variant pop=popular,share=2.";

        string? filter = null;
        var head = text;
        var at = text.IndexOf(",filter=", StringComparison.OrdinalIgnoreCase);
        if (at >= 0)
        {
            filter = text[(at + ",filter=".Length)..];
            head = text[..at];
            if (filter.Trim().Length == 0) throw new FormatException(Problem("filter= is empty."));
        }

        var parts = head.Split(',', StringSplitOptions.TrimEntries);
        var first = parts[0];
        string? strategy = null;
        var equals = first.IndexOf('=');
        var name = (equals < 0 ? first : first[..equals]).Trim();
        if (equals >= 0) strategy = first[(equals + 1)..].Trim();
        if (name.Length == 0) throw new FormatException(Problem("the variant has no name."));
        if (strategy is { Length: 0 }) throw new FormatException(Problem("no strategy after '='."));

        double? share = null, popularShare = null, exploration = null;
        bool? rules = null;
        foreach (var part in parts.Skip(1))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0) throw new FormatException(Problem($"'{part}' is not key=value."));
            var key = part[..eq].Trim();
            var value = part[(eq + 1)..].Trim();
            var known = Keys.FirstOrDefault(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase))
                ?? throw new FormatException(Problem($"unknown key '{key}' (known: {string.Join(", ", Keys)})."));
            switch (known)
            {
                case "strategy":
                    if (strategy is not null) throw new FormatException(Problem("the strategy is given twice."));
                    strategy = value;
                    break;
                case "share": share = Number(value) ?? throw new FormatException(Problem($"'{value}' is not a number.")); break;
                case "popularShare": popularShare = Number(value) ?? throw new FormatException(Problem($"'{value}' is not a number.")); break;
                case "exploration": exploration = Number(value) ?? throw new FormatException(Problem($"'{value}' is not a number.")); break;
                case "rules":
                    rules = value.ToLowerInvariant() switch
                    {
                        "on" or "true" => true,
                        "off" or "false" => false,
                        _ => throw new FormatException(Problem($"rules is on or off, not '{value}'.")),
                    };
                    break;
                case "filter":
                    // Reached only when filter= is the first key: the split above found ",filter=" otherwise.
                    throw new FormatException(Problem("filter= must be the last key."));
            }
        }

        var serving = new ServingConfig(strategy ?? ServingConfig.Learned, popularShare ?? 0, exploration, filter, rules ?? true);
        return (new ExperimentVariant(name, share ?? 1, serving), share);
    }

    /// <summary>"popular", "learned, 30% popular, exploration 0.1, rules off, filter price &lt; 50".</summary>
    public static string Describe(ServingConfig? serving)
    {
        serving ??= new ServingConfig();
        var parts = new List<string> { serving.Strategy };
        if (serving.PopularShare > 0) parts.Add((serving.PopularShare * 100).ToString("0.#", CultureInfo.InvariantCulture) + "% popular");
        if (serving.Exploration is { } e) parts.Add("exploration " + e.ToString("0.##", CultureInfo.InvariantCulture));
        if (!serving.ApplyRules) parts.Add("rules off");
        if (serving.Filter is { } f) parts.Add("filter " + f);
        return string.Join(", ", parts);
    }

    private static double? Number(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) ? value : null;
}
