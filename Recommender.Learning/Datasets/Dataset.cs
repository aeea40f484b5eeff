namespace Recommender.Learning;

/// <summary>One item of a dataset's catalogue.</summary>
public sealed record DataItem(string Id, string Title, IReadOnlyList<string> Categories);

/// <summary>One row of a dataset: user and item as indices into <see cref="Dataset.UserIds"/> and <see cref="Dataset.Items"/>.</summary>
public readonly record struct DataEvent(int User, int Item, EvidenceKind Kind, float Value, long UnixSeconds);

/// <summary>
/// A public dataset (or a generated one) as rows in file order: what the evaluation splits, what
/// <c>reco import</c> sends and what the in-process experiments train on. Ids are the ones the
/// service sees (<c>ml-196</c>, <c>lfm-2</c>, …). Read in place: licences forbid copies.
/// </summary>
public sealed class Dataset(string name, string[] userIds, DataItem[] items, DataEvent[] events, string description)
{
    public string Name { get; } = name;
    public string[] UserIds { get; } = userIds;
    public DataItem[] Items { get; } = items;
    /// <summary>Rows in the source's order (the ML-100K folds depend on it).</summary>
    public DataEvent[] Events { get; } = events;
    public string Description { get; } = description;

    /// <summary>
    /// A random split of the rows: row r goes to the test part when a hash of (seed, r) falls in the
    /// lowest <paramref name="testFraction"/> — the same split on every machine for a seed.
    /// </summary>
    public (DataEvent[] Train, DataEvent[] Test) RandomSplit(double testFraction, ulong seed)
    {
        var threshold = (ulong)(testFraction * ulong.MaxValue);
        var train = new List<DataEvent>(Events.Length);
        var test = new List<DataEvent>((int)(Events.Length * testFraction) + 1);
        for (var r = 0; r < Events.Length; r++)
            (Holdout.Hash(seed, (ulong)r, 0x5EED) < threshold ? test : train).Add(Events[r]);
        return ([.. train], [.. test]);
    }

    /// <summary>ML-100K's official fold uK (test = rows (K−1)·n/5 … K·n/5 − 1 in file order), see <see cref="MovieLensFolds"/>.</summary>
    public (DataEvent[] Train, DataEvent[] Test) Fold(int fold)
    {
        if (fold is < 1 or > MovieLensFolds.FoldCount) throw new ArgumentOutOfRangeException(nameof(fold), "fold must be 1..5");
        var size = Events.Length / MovieLensFolds.FoldCount;
        int start = (fold - 1) * size, end = fold == MovieLensFolds.FoldCount ? Events.Length : fold * size;
        return ([.. Events[..start], .. Events[end..]], Events[start..end]);
    }

    /// <summary>The rows as the service would hold them (one tally per user–item cell), with the items' categories.</summary>
    public Feedback ToFeedback(IEnumerable<DataEvent> rows, EvidenceCurve? curve = null)
    {
        var builder = new FeedbackBuilder(UserIds.Length, Items.Length, curve);
        foreach (var e in rows) builder.Add(e.User, e.Item, e.Kind, e.Value);
        return builder.Build(ItemCategories.From([.. Items.Select(i => i.Categories)]));
    }
}
