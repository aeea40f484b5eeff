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
    /// Mean NDCG@K of each blend in <paramref name="blends"/>, in one pass: every source is computed
    /// once per user, then each blend ranks from them.
    /// </summary>
    public RankingScores[] Blends(FittedSources sources, IReadOnlyList<BlendWeights> blends)
    {
        var n = Train.Items;
        var perUser = new RankingScores[_users.Length * blends.Count];
        Parallel.For(0, _users.Length, () => new float[5 * n], (t, _, scratch) =>
        {
            var u = _users[t];
            var buffer = scratch.AsSpan();
            var als = buffer[..n];
            var itemItem = buffer.Slice(n, n);
            var content = buffer.Slice(2 * n, n);
            var blended = buffer.Slice(3 * n, n);
            var profile = buffer.Slice(4 * n, n);
            if (sources.Als is { } model) HybridScorer.Als(model.ItemFactors, model.Factors, model.UserVector(u), als); else als.Clear();
            itemItem.Clear();
            sources.ItemItem?.Accumulate(_history[t], default, itemItem);
            if (sources.Categories is { } categories && categories.Count <= n)
            {
                var p = profile[..categories.Count];
                CategoryProfile.Of(Train, u, sources.Curve, p);
                CategoryProfile.Score(categories.Offsets, categories.Ids, p, content);
            }
            else content.Clear();
            for (var b = 0; b < blends.Count; b++)
            {
                HybridScorer.Blend(blends[b], als, sources.ItemItem is null ? default : itemItem, sources.Categories is null ? default : content,
                    sources.Popularity, _seen[t], blended);
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
public sealed record FittedSources(AlsModel? Als, ItemNeighbours? ItemItem, ItemCategories? Categories, EvidenceCurve Curve, float[] Popularity);
