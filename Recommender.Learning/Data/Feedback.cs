namespace Recommender.Learning;

/// <summary>
/// The training input as the service holds it: a users × items matrix of observed cells, each with
/// its raw <see cref="EvidenceTally"/> (CSR by user, items ascending), and the items' categories.
/// Kept raw so that the strength curve, α and the model family can be chosen on it
/// (<see cref="AutoTuner"/>) before it becomes an ALS matrix (<see cref="ToMatrix"/>) or an
/// item-item model's binary history (<see cref="Positives"/>).
/// </summary>
public sealed class Feedback
{
    public Feedback(int users, int items, int[] offsets, int[] columns, EvidenceTally[] tallies, ItemCategories? categories = null)
    {
        if (offsets.Length != users + 1) throw new ArgumentException("offsets must have users + 1 entries", nameof(offsets));
        if (columns.Length != offsets[users] || tallies.Length != offsets[users]) throw new ArgumentException("columns and tallies must have offsets[users] entries");
        if (categories is not null && categories.Items != items) throw new ArgumentException("categories must cover every item", nameof(categories));
        Users = users;
        Items = items;
        Offsets = offsets;
        Columns = columns;
        Tallies = tallies;
        Categories = categories;
    }

    public int Users { get; }
    public int Items { get; }
    public int[] Offsets { get; }
    public int[] Columns { get; }
    public EvidenceTally[] Tallies { get; }
    public ItemCategories? Categories { get; }
    public int NonZeros => Offsets[Users];

    public ReadOnlySpan<int> RowItems(int user) => Columns.AsSpan(Offsets[user], Offsets[user + 1] - Offsets[user]);
    public ReadOnlySpan<EvidenceTally> RowTallies(int user) => Tallies.AsSpan(Offsets[user], Offsets[user + 1] - Offsets[user]);

    /// <summary>The ALS matrix under a strength curve: c = 1 + α·s, p = 1 or 0 (negative evidence).</summary>
    public InteractionMatrix ToMatrix(EvidenceCurve curve, float alpha)
    {
        var confidence = new float[NonZeros];
        var preference = new float[NonZeros];
        for (var u = 0; u < Users; u++)
        {
            var scale = curve.RelativeAmounts ? EvidenceCurve.AmountScale(RowTallies(u)) : 1f;
            for (var e = Offsets[u]; e < Offsets[u + 1]; e++)
            {
                confidence[e] = 1f + alpha * curve.Strength(Tallies[e], scale);
                preference[e] = EvidenceCurve.Preference(Tallies[e]);
            }
        }
        return new InteractionMatrix(new SparseRows(Users, Items, Offsets, Columns, confidence, preference));
    }

    /// <summary>The positive cells only, as a binary matrix (what the item-item models learn from), with c = 1 + s under <paramref name="curve"/>.</summary>
    public SparseRows Positives(EvidenceCurve? curve = null)
    {
        var offsets = new int[Users + 1];
        for (var u = 0; u < Users; u++)
        {
            var n = 0;
            foreach (ref readonly var t in RowTallies(u)) if (!t.Negative) n++;
            offsets[u + 1] = offsets[u] + n;
        }
        var columns = new int[offsets[Users]];
        var confidence = new float[offsets[Users]];
        var preference = new float[offsets[Users]];
        for (var u = 0; u < Users; u++)
        {
            var at = offsets[u];
            var items = RowItems(u);
            var tallies = RowTallies(u);
            var scale = curve is { RelativeAmounts: true } ? EvidenceCurve.AmountScale(tallies) : 1f;
            for (var j = 0; j < items.Length; j++)
            {
                if (tallies[j].Negative) continue;
                columns[at] = items[j];
                confidence[at] = curve is null ? 1f : 1f + curve.Strength(tallies[j], scale);
                preference[at] = 1f;
                at++;
            }
        }
        return new SparseRows(Users, Items, offsets, columns, confidence, preference);
    }

    /// <summary>How many users have positive evidence on each item.</summary>
    public float[] PositiveCounts()
    {
        var counts = new float[Items];
        for (var e = 0; e < NonZeros; e++) if (!Tallies[e].Negative) counts[Columns[e]]++;
        return counts;
    }

    /// <summary>The cells <paramref name="keep"/> accepts (by user and position in the row), same users and items.</summary>
    public Feedback Where(Func<int, int, bool> keep)
    {
        var offsets = new int[Users + 1];
        var columns = new List<int>(NonZeros);
        var tallies = new List<EvidenceTally>(NonZeros);
        for (var u = 0; u < Users; u++)
        {
            for (var e = Offsets[u]; e < Offsets[u + 1]; e++)
            {
                if (!keep(u, Columns[e])) continue;
                columns.Add(Columns[e]);
                tallies.Add(Tallies[e]);
            }
            offsets[u + 1] = columns.Count;
        }
        return new Feedback(Users, Items, offsets, [.. columns], [.. tallies], Categories);
    }
}

/// <summary>Items' categories as small integer ids (CSR: item i has Ids[Offsets[i]..Offsets[i+1])).</summary>
public sealed class ItemCategories(int items, int[] offsets, int[] ids, string[] names) : ICategorySource
{
    public int Items { get; } = items;
    public int[] Offsets { get; } = offsets;
    public int[] Ids { get; } = ids;
    public string[] Names { get; } = names;
    public int Count => Names.Length;
    public ReadOnlySpan<int> Of(int item) => Ids.AsSpan(Offsets[item], Offsets[item + 1] - Offsets[item]);
    public bool Any => Ids.Length > 0;

    public static ItemCategories From(IReadOnlyList<IReadOnlyList<string>> perItem)
    {
        var names = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var offsets = new int[perItem.Count + 1];
        var ids = new List<int>();
        for (var i = 0; i < perItem.Count; i++)
        {
            foreach (var name in perItem[i].Distinct(StringComparer.OrdinalIgnoreCase))
            {
                if (!names.TryGetValue(name, out var id)) names[name] = id = names.Count;
                ids.Add(id);
            }
            offsets[i + 1] = ids.Count;
        }
        var byId = new string[names.Count];
        foreach (var (name, id) in names) byId[id] = name;
        return new ItemCategories(perItem.Count, offsets, [.. ids], byId);
    }
}

/// <summary>Collects events into a <see cref="Feedback"/> (users and items given as dense indices).</summary>
public sealed class FeedbackBuilder(int users, int items, EvidenceCurve? curve = null)
{
    private readonly EvidenceCurve _curve = curve ?? new EvidenceCurve();
    private readonly Dictionary<long, EvidenceTally> _cells = new();

    public int Users { get; } = users;
    public int Items { get; } = items;

    public FeedbackBuilder Add(int user, int item, EvidenceKind kind, float value = 0f)
    {
        if ((uint)user >= (uint)Users) throw new ArgumentOutOfRangeException(nameof(user));
        if ((uint)item >= (uint)Items) throw new ArgumentOutOfRangeException(nameof(item));
        var key = (long)user * Items + item;
        _cells.TryGetValue(key, out var tally);
        tally.Add(kind, value, _curve.IsNegative(kind, value));
        _cells[key] = tally;
        return this;
    }

    public Feedback Build(ItemCategories? categories = null)
    {
        var keys = _cells.Keys.ToArray();
        Array.Sort(keys);
        var offsets = new int[Users + 1];
        var columns = new int[keys.Length];
        var tallies = new EvidenceTally[keys.Length];
        for (var e = 0; e < keys.Length; e++)
        {
            offsets[(int)(keys[e] / Items) + 1]++;
            columns[e] = (int)(keys[e] % Items);
            tallies[e] = _cells[keys[e]];
        }
        for (var u = 0; u < Users; u++) offsets[u + 1] += offsets[u];
        return new Feedback(Users, Items, offsets, columns, tallies, categories);
    }
}
