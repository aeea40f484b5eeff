namespace Recommender.Client.Rendering;

/// <summary>
/// The width <c>reco</c> renders to. Spectre.Console ignores <c>COLUMNS</c> and falls back to 80
/// columns when output is redirected, which squeezes the ranking tables into narrow wrapped
/// columns in a pipe or a log; so <c>COLUMNS</c> wins when set, and a pipe without it gets 120.
/// </summary>
public static class ConsoleWidth
{
    public const int Piped = 120;

    /// <summary>Below this a table cannot show an item id and a title side by side.</summary>
    public const int Minimum = 40;

    /// <summary>The width to force, or null to let Spectre ask the terminal.</summary>
    public static int? Resolve(string? columns, bool outputRedirected)
    {
        if (int.TryParse(columns, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var width) && width > 0)
        {
            return Math.Max(width, Minimum);
        }

        return outputRedirected ? Piped : null;
    }
}
