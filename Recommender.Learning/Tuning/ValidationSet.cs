using System.Numerics.Tensors;

namespace Recommender.Learning;

/// <summary>
/// The held-out part of a <see cref="Holdout"/> split, ready to score configurations on: per validated
/// user the training items (excluded from its ranking, as the service excludes what a user has seen),
/// its positive history and the held-out items. NDCG@K (and P, R, HR) are averaged over the
/// validated users. The offline evaluation uses the same class with its test part as the targets.
/// </summary>
public sealed class ValidationSet
{
    private readonly int[] _users;
    private readonly HashSet<int>[] _targets;
    private readonly ulong[][] _seen;
    private readonly int[][] _history;

    public ValidationSet(Feedback train, Dictionary<int, int[]> validation, int k = 10)
    {
        Train = train;
        K = k;
        _users = [.. validation.Keys.Order()];
        _targets = [.. _users.Select(u => validation[u].ToHashSet())];
        _seen = new ulong[_users.Length][];
        _history = new int[_users.Length][];
        for (var t = 0; t < _users.Length; t++)
        {
            var u = _users[t];
            _seen[t] = BitSet.Create(train.Items);
            foreach (var i in train.RowItems(u)) BitSet.Set(_seen[t], i);
            var positives = new List<int>();
            var items = train.RowItems(u);
            var tallies = train.RowTallies(u);
            for (var j = 0; j < items.Length; j++) if (!tallies[j].Negative) positives.Add(items[j]);
            _history[t] = [.. positives];
        }
    }

    public Feedback Train { get; }
    public int K { get; }
    public int Count => _users.Length;

    /// <summary>Mean NDCG@K of ranking by x_u·y_i alone.</summary>
    public RankingScores Als(AlsModel model) => Evaluate((t, u, _) =>
        TopK.Search(model.ItemFactors, model.Factors, model.UserVector(u), K, excludeBits: _seen[t], parallel: false));

    /// <summary>Mean NDCG@K of ranking by one fixed score per item (popularity).</summary>
    public RankingScores Static(float[] scores) => Evaluate((t, _, _) => HybridScorer.Top(scores, K, _seen[t]));

    /// <summary>Mean NDCG@K of an item-item model over each user's positive history.</summary>
    public RankingScores ItemItem(ItemNeighbours model) => Evaluate((t, _, scratch) =>
    {
        scratch.Clear();
        model.Accumulate(_history[t], default, scratch);
        return HybridScorer.Top(scratch, K, _seen[t]);
    });

    /// <summary>
    /// Mean scores of each blend in <paramref name="blends"/>, in one pass: every source is computed
    /// once per user, then each blend ranks from them.
    /// </summary>
    public RankingScores[] Blends(FittedSources sources, IReadOnlyList<BlendWeights> blends)
    {
        var n = Train.Items;
        var perUser = new RankingScores[_users.Length * blends.Count];
        Parallel.For(0, _users.Length, () => new float[5 * n], (t, _, scratch) =>
        {
            Sources(t, sources, scratch, out var als, out var itemItem, out var content);
            var blended = scratch.AsSpan(3 * n, n);
            for (var b = 0; b < blends.Count; b++)
            {
                HybridScorer.Blend(blends[b], als, itemItem, content, sources.Popularity, _seen[t], blended, sources.ItemItem?.Covered);
                perUser[t * blends.Count + b] = Score(HybridScorer.Top(blended, K, _seen[t]), _targets[t]);
            }
            return scratch;
        }, _ => { });
        // Summed in user order, not as threads finish: the same figures on every run, so near-ties break the same way.
        var totals = new RankingScores[blends.Count];
        for (var b = 0; b < blends.Count; b++)
        {
            var mean = new RankingAccumulator();
            for (var t = 0; t < _users.Length; t++) mean.Add(perUser[t * blends.Count + b]);
            totals[b] = mean.Mean;
        }
        return totals;
    }

    /// <summary>
    /// σ of each source (<see cref="BlendWeights"/>): the median over the validated users of the
    /// source's best score among the items each user can be shown.
    /// </summary>
    public SourceScales Scales(FittedSources sources)
    {
        var n = Train.Items;
        var maxima = new float[_users.Length * 4];
        Parallel.For(0, _users.Length, () => new float[5 * n], (t, _, scratch) =>
        {
            Sources(t, sources, scratch, out var als, out var itemItem, out var content);
            maxima[4 * t] = als.IsEmpty ? 0f : HybridScorer.MaxIncluded(als, _seen[t]);
            maxima[4 * t + 1] = itemItem.IsEmpty ? 0f : HybridScorer.MaxIncluded(itemItem, _seen[t]);
            maxima[4 * t + 2] = content.IsEmpty ? 0f : HybridScorer.MaxIncluded(content, _seen[t]);
            maxima[4 * t + 3] = HybridScorer.MaxIncluded(sources.Popularity, _seen[t]);
            return scratch;
        }, _ => { });
        float Median(int s)
        {
            var values = Enumerable.Range(0, _users.Length).Select(t => maxima[4 * t + s]).Where(v => v > 0f && float.IsFinite(v)).Order().ToArray();
            return values.Length == 0 ? 0f : values[values.Length / 2];
        }
        return new SourceScales(Median(0), Median(1), Median(2), Median(3));
    }

    /// <summary>The sources of validated user <paramref name="t"/> in the first three n-blocks of <paramref name="scratch"/> (empty when absent).</summary>
    private void Sources(int t, FittedSources sources, float[] scratch, out Span<float> als, out Span<float> itemItem, out Span<float> content)
    {
        var n = Train.Items;
        var u = _users[t];
        var buffer = scratch.AsSpan();
        als = buffer[..n];
        itemItem = buffer.Slice(n, n);
        content = buffer.Slice(2 * n, n);
        var profile = buffer.Slice(4 * n, n);
        if (sources.Als is { } model) HybridScorer.Als(model.ItemFactors, model.Factors, model.UserVector(u), als);
        if (sources.ItemItem is { } neighbours)
        {
            itemItem.Clear();
            neighbours.Accumulate(_history[t], default, itemItem);
        }
        if (sources.Categories is { } categories && categories.Count <= n)
        {
            var p = profile[..categories.Count];
            CategoryProfile.Of(Train, u, sources.Curve, sources.Saturation, p);
            CategoryProfile.Score(categories, p, content);
        }
        if (sources.Als is null) als = default;
        if (sources.ItemItem is null) itemItem = default;
        if (sources.Categories is not { } c || c.Count > n) content = default;
    }

    private RankingScores Evaluate(Func<int, int, Span<float>, ScoredItem[]> rank)
    {
        var perUser = new RankingScores[_users.Length];
        Parallel.For(0, _users.Length, () => new float[Train.Items], (t, _, scratch) =>
        {
            perUser[t] = Score(rank(t, _users[t], scratch), _targets[t]);
            return scratch;
        }, _ => { });
        var mean = new RankingAccumulator();
        foreach (var v in perUser) mean.Add(v); // in user order: deterministic
        return mean.Mean;
    }

    private RankingScores Score(ScoredItem[] top, HashSet<int> relevant)
    {
        Span<int> ids = stackalloc int[top.Length];
        for (var r = 0; r < top.Length; r++) ids[r] = top[r].Index;
        return RankingMetrics.Evaluate(ids, relevant, K);
    }
}

/// <summary>The sources a blend draws on, for <see cref="ValidationSet.Blends"/>.</summary>
public sealed record FittedSources(AlsModel? Als, ItemNeighbours? ItemItem, ItemCategories? Categories, EvidenceCurve Curve, float[] Popularity, float Saturation = 1f);
