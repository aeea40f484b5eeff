namespace Recommender.Learning;

/// <summary>
/// Collects (user, item, confidence, preference) observations and packs them into an
/// <see cref="InteractionMatrix"/>.
///
/// Duplicates (several events on the same cell) are merged the way the loss would add them:
/// two squared-error terms c₁(p₁ − s)² + c₂(p₂ − s)² equal (c₁ + c₂)(p̄ − s)² + const with
/// p̄ = (c₁p₁ + c₂p₂)/(c₁ + c₂). So confidences ADD and the preference becomes the
/// confidence-weighted MEAN. Consequences: repeated positives strengthen the cell; a dislike
/// (p = 0 with raised confidence) after a view does not simply erase it but, because its confidence
/// is larger, pulls the cell's preference towards 0 (e.g. view c=1,p=1 + dislike c=4,p=0 → c=5,
/// p=0.2). A caller that wants "the latest negative overrides" can pass that decision in itself.
/// </summary>
public sealed class InteractionMatrixBuilder
{
    private readonly Dictionary<long, (float Confidence, float WeightedPreference)> _cells = new();

    public InteractionMatrixBuilder(int users, int items)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(users);
        ArgumentOutOfRangeException.ThrowIfNegative(items);
        Users = users;
        Items = items;
    }

    public int Users { get; }
    public int Items { get; }
    public int Count => _cells.Count;

    public InteractionMatrixBuilder Add(int user, int item, float confidence, float preference)
    {
        if ((uint)user >= (uint)Users) throw new ArgumentOutOfRangeException(nameof(user));
        if ((uint)item >= (uint)Items) throw new ArgumentOutOfRangeException(nameof(item));
        if (!(confidence > 0f)) throw new ArgumentOutOfRangeException(nameof(confidence), "confidence must be > 0");
        if (preference is < 0f or > 1f) throw new ArgumentOutOfRangeException(nameof(preference), "preference must be in [0,1]");
        long key = (long)user * Items + item;
        _cells.TryGetValue(key, out var cell);
        _cells[key] = (cell.Confidence + confidence, cell.WeightedPreference + confidence * preference);
        return this;
    }

    public InteractionMatrix Build()
    {
        var keys = new long[_cells.Count];
        _cells.Keys.CopyTo(keys, 0);
        Array.Sort(keys); // user-major, items ascending: the CSR order
        var offsets = new int[Users + 1];
        var cols = new int[keys.Length];
        var conf = new float[keys.Length];
        var pref = new float[keys.Length];
        for (int e = 0; e < keys.Length; e++)
        {
            int u = (int)(keys[e] / Items);
            offsets[u + 1]++;
            cols[e] = (int)(keys[e] % Items);
            var cell = _cells[keys[e]];
            conf[e] = cell.Confidence;
            pref[e] = cell.WeightedPreference / cell.Confidence;
        }
        for (int u = 0; u < Users; u++) offsets[u + 1] += offsets[u];
        return new InteractionMatrix(new SparseRows(Users, Items, offsets, cols, conf, pref));
    }
}
