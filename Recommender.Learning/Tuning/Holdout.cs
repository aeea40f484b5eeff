namespace Recommender.Learning;

/// <summary>
/// The validation split of the self-tuning: per user, a random share of the positive cells is held
/// out (each cell decided by a hash of the seed, the user and the item, so the split is the same on
/// every run and every machine), for users with at least <see cref="MinimumCells"/> positive cells;
/// at most <see cref="MaxUsers"/> users are validated (chosen by the same hash). Random rather than
/// "the newest per user": the log's order is whatever the client sent (imports and backfills arrive
/// sorted by id, timestamps are often synthetic), and the question a recommendation answers —
/// which unseen items does this user like — is the one a random holdout asks. Drift between
/// retrainings is the online steps' job, measured by the prequential protocol.
/// </summary>
public sealed record Holdout
{
    public double Fraction { get; init; } = 0.2;
    public int MinimumCells { get; init; } = 3;
    public int MaxUsers { get; init; } = 2000;
    public ulong Seed { get; init; } = 42;

    /// <summary>The training part and, per validated user, the held-out positive items.</summary>
    public (Feedback Train, Dictionary<int, int[]> Validation) Split(Feedback data)
    {
        var candidates = new List<int>();
        for (var u = 0; u < data.Users; u++)
        {
            var positives = 0;
            foreach (ref readonly var t in data.RowTallies(u)) if (!t.Negative) positives++;
            if (positives >= MinimumCells) candidates.Add(u);
        }
        if (candidates.Count > MaxUsers)
            candidates = [.. candidates.OrderBy(u => Hash(Seed ^ 0x9E3779B97F4A7C15UL, (ulong)u, 0)).Take(MaxUsers).Order()];
        var validated = new HashSet<int>(candidates);
        var held = new Dictionary<int, List<int>>();
        var threshold = (ulong)(Fraction * ulong.MaxValue);
        var train = data.Where((u, i) =>
        {
            if (!validated.Contains(u)) return true;
            if (Hash(Seed, (ulong)u, (ulong)i) >= threshold) return true;
            return false;
        });
        // Held-out cells: positive ones are the validation targets; held-out negatives are simply dropped.
        for (var u = 0; u < data.Users; u++)
        {
            if (!validated.Contains(u)) continue;
            var items = data.RowItems(u);
            var tallies = data.RowTallies(u);
            for (var j = 0; j < items.Length; j++)
            {
                if (Hash(Seed, (ulong)u, (ulong)items[j]) >= threshold || tallies[j].Negative) continue;
                (held.TryGetValue(u, out var list) ? list : held[u] = []).Add(items[j]);
            }
        }
        // A user whose every positive went to validation keeps nothing to learn from: drop it from validation.
        var validation = new Dictionary<int, int[]>();
        foreach (var (u, items) in held)
            if (train.RowItems(u).Length > 0) validation[u] = [.. items];
        return (train, validation);
    }

    /// <summary>SplitMix64 of the three values: uniform, fast and the same everywhere.</summary>
    public static ulong Hash(ulong seed, ulong a, ulong b)
    {
        var z = seed + 0x9E3779B97F4A7C15UL * (a + 1) + 0xBF58476D1CE4E5B9UL * (b + 1);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
