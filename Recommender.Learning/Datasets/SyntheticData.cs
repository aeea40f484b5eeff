namespace Recommender.Learning;

/// <summary>
/// Generated rating data of a known shape, for the shapes no public file here has:
///   - items belong to latent topics (one or two each) and carry categories that mostly — not
///     always — name their topic (so content helps, but is noisy);
///   - item popularity is Zipf-distributed inside the catalogue (a long tail);
///   - user activity is log-normal, clipped (a few heavy users with thousands of rows);
///   - each user's taste is a mixture of a few topics that drifts: after each row, with
///     probability <see cref="SyntheticShape.Drift"/>, one topic of the mixture is replaced;
///   - a share <see cref="SyntheticShape.Explore"/> of the rows is drawn by popularity alone;
///   - ratings are higher on items of the user's current taste, on a whole- or half-star scale.
/// Deterministic for a seed. Presets: <c>default</c>, <c>longtail</c> (MovieLens-latest-like: few
/// users, ~10k items, users with thousands of half-star ratings), <c>popular</c> (FilmTrust-like:
/// small catalogue, popularity-heavy), <c>drift</c> (fast-changing tastes).
/// </summary>
public static class SyntheticData
{
    public static SyntheticShape Preset(string name) => name.ToLowerInvariant() switch
    {
        "default" or "" => new SyntheticShape { Name = "synthetic" },
        "longtail" => new SyntheticShape
        {
            Name = "synthetic-longtail", Users = 610, Items = 9700, Topics = 30, MedianActivity = 70, ActivitySpread = 1.2,
            MaxActivity = 2700, Zipf = 1.15, HalfStars = true,
        },
        "popular" => new SyntheticShape
        {
            Name = "synthetic-popular", Users = 1500, Items = 2100, Topics = 12, MedianActivity = 15, ActivitySpread = 0.9,
            MaxActivity = 300, Zipf = 1.3, Explore = 0.55, HalfStars = true,
        },
        "drift" => new SyntheticShape { Name = "synthetic-drift", Drift = 0.05 },
        _ => throw new ArgumentException($"unknown synthetic preset '{name}' (default, longtail, popular, drift)", nameof(name)),
    };

    public static Dataset Generate(SyntheticShape s)
    {
        var random = new Random(s.Seed);
        // Items: topics (one, sometimes two), categories naming the topic with probability CategoryFidelity.
        var itemTopics = new int[s.Items][];
        var items = new DataItem[s.Items];
        for (var i = 0; i < s.Items; i++)
        {
            var first = random.Next(s.Topics);
            itemTopics[i] = random.NextDouble() < 0.3 ? [first, (first + 1 + random.Next(s.Topics - 1)) % s.Topics] : [first];
            var categories = itemTopics[i].Select(t => random.NextDouble() < s.CategoryFidelity ? t : random.Next(s.Topics))
                .Distinct().Select(t => $"topic-{t:D2}").ToArray();
            items[i] = new DataItem($"syn-{i}", $"Synthetic item {i}", categories);
        }
        // Popularity: Zipf over a random permutation, so popular items are spread over topics.
        var order = Enumerable.Range(0, s.Items).OrderBy(_ => random.Next()).ToArray();
        var weight = new double[s.Items];
        for (var r = 0; r < s.Items; r++) weight[order[r]] = 1.0 / Math.Pow(r + 1, s.Zipf);
        var byTopic = Enumerable.Range(0, s.Topics).Select(t => Enumerable.Range(0, s.Items).Where(i => itemTopics[i].Contains(t)).ToArray()).ToArray();
        var topicSampler = byTopic.Select(list => new Sampler(list, weight)).ToArray();
        var anySampler = new Sampler(Enumerable.Range(0, s.Items).ToArray(), weight);

        var events = new List<DataEvent>();
        var users = new string[s.Users];
        var start = new DateTimeOffset(2015, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        for (var u = 0; u < s.Users; u++)
        {
            users[u] = $"syn-user-{u}";
            var activity = (int)Math.Clamp(Math.Round(s.MedianActivity * Math.Exp(s.ActivitySpread * Gaussian(random))), s.MinActivity, Math.Min(s.MaxActivity, s.Items / 2));
            var taste = Enumerable.Range(0, 1 + random.Next(s.MaxTopicsPerUser)).Select(_ => random.Next(s.Topics)).ToList();
            var seen = new HashSet<int>();
            var time = start + random.Next(0, 86_400 * 365);
            for (var n = 0; n < activity; n++)
            {
                if (random.NextDouble() < s.Drift) taste[random.Next(taste.Count)] = random.Next(s.Topics);
                var explore = random.NextDouble() < s.Explore;
                var item = -1;
                for (var attempt = 0; attempt < 20 && (item < 0 || seen.Contains(item)); attempt++)
                    item = explore ? anySampler.Next(random) : topicSampler[taste[random.Next(taste.Count)]].Next(random);
                // A heavy user who has seen the popular part of its topics goes on into their tail.
                if (item < 0 || seen.Contains(item))
                {
                    var pool = byTopic[taste[random.Next(taste.Count)]];
                    var from = random.Next(Math.Max(1, pool.Length));
                    item = -1;
                    for (var j = 0; j < pool.Length && item < 0; j++) if (!seen.Contains(pool[(from + j) % pool.Length])) item = pool[(from + j) % pool.Length];
                }
                if (item < 0 || !seen.Add(item)) continue;
                var inTaste = itemTopics[item].Any(taste.Contains);
                var rating = Math.Clamp((inTaste ? 4.0 : 2.8) + 0.9 * Gaussian(random), 0.5, 5.0);
                rating = s.HalfStars ? Math.Round(rating * 2) / 2 : Math.Max(1, Math.Round(rating));
                time += 60 + random.Next(0, 86_400);
                events.Add(new DataEvent(u, item, EvidenceKind.Rating, (float)rating, time));
            }
        }
        return new Dataset(s.Name, users, items, [.. events],
            $"generated ({s.Name}, seed {s.Seed}): {events.Count:N0} ratings, {s.Users:N0} users, {s.Items:N0} items, {s.Topics} topics, Zipf {s.Zipf}, drift {s.Drift}");
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>Draws from a fixed list with fixed weights (cumulative sums and a binary search).</summary>
    private sealed class Sampler
    {
        private readonly int[] _items;
        private readonly double[] _cumulative;

        public Sampler(int[] items, double[] weight)
        {
            _items = items;
            _cumulative = new double[items.Length];
            double sum = 0;
            for (var j = 0; j < items.Length; j++) _cumulative[j] = sum += weight[items[j]];
        }

        public int Next(Random random)
        {
            if (_items.Length == 0) return -1;
            var x = random.NextDouble() * _cumulative[^1];
            var j = Array.BinarySearch(_cumulative, x);
            return _items[Math.Min(_items.Length - 1, j < 0 ? ~j : j)];
        }
    }
}

/// <summary>The knobs of <see cref="SyntheticData"/>.</summary>
public sealed record SyntheticShape
{
    public string Name { get; init; } = "synthetic";
    public int Seed { get; init; } = 2026;
    public int Users { get; init; } = 2000;
    public int Items { get; init; } = 3000;
    public int Topics { get; init; } = 20;
    public int MaxTopicsPerUser { get; init; } = 3;
    public double MedianActivity { get; init; } = 40;
    public double ActivitySpread { get; init; } = 0.8;
    public int MinActivity { get; init; } = 5;
    public int MaxActivity { get; init; } = 1500;
    /// <summary>Zipf exponent of item popularity.</summary>
    public double Zipf { get; init; } = 0.9;
    /// <summary>Share of rows drawn by popularity alone.</summary>
    public double Explore { get; init; } = 0.15;
    /// <summary>Per-row probability that one topic of the user's taste is replaced.</summary>
    public double Drift { get; init; } = 0.01;
    /// <summary>Probability that a category names the item's topic (else a random topic).</summary>
    public double CategoryFidelity { get; init; } = 0.8;
    public bool HalfStars { get; init; }
}
