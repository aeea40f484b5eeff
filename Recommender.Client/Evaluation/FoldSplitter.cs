namespace Recommender.Client.Evaluation;

/// <summary>
/// The u1…u5 splits of MovieLens-100K, rebuilt the way GroupLens' <c>mku.sh</c> builds them from
/// <c>u.data</c> in file order: fold K's test set is rows (K−1)·n/5 + 1 … K·n/5 (20,000 rows each for
/// 100,000), its training set every other row. (mku.sh also sorts each file by user and item; order
/// does not matter to the evaluation, so rows keep file order here.)
/// </summary>
public static class FoldSplitter
{
    public const int FoldCount = 5;

    public static (IReadOnlyList<T> Train, IReadOnlyList<T> Test) Split<T>(IReadOnlyList<T> rows, int fold, int foldCount = FoldCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fold, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fold, foldCount);
        var size = rows.Count / foldCount;
        var start = (fold - 1) * size;
        var end = fold * size;
        var train = new List<T>(rows.Count - size);
        var test = new List<T>(size);
        for (var i = 0; i < rows.Count; i++)
        {
            (i >= start && i < end ? test : train).Add(rows[i]);
        }

        return (train, test);
    }

    /// <summary>Parses "1-5", "3", "1,3,5" or "1-2,5" into fold numbers (1…foldCount), in order, without duplicates.</summary>
    public static IReadOnlyList<int> ParseFolds(string spec, int foldCount = FoldCount)
    {
        var folds = new SortedSet<int>();
        foreach (var part in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            var (from, to) = dash < 0
                ? (ParseFold(part), ParseFold(part))
                : (ParseFold(part[..dash]), ParseFold(part[(dash + 1)..]));
            if (from > to)
            {
                throw new FormatException($"Fold range '{part}' goes backwards.");
            }

            for (var f = from; f <= to; f++)
            {
                folds.Add(f);
            }
        }

        if (folds.Count == 0)
        {
            throw new FormatException("No fold given.");
        }

        return folds.ToList();

        int ParseFold(string text) =>
            int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var f) && f >= 1 && f <= foldCount
                ? f
                : throw new FormatException($"'{text}' is not a fold number 1–{foldCount}.");
    }
}
