using System.Diagnostics;

namespace Recommender.Learning.Experiments.Reranking;

/// <summary>
/// The offline protocol of <see cref="OfflineEvaluation"/> with a LightGBM LambdaRank second stage.
/// Per fold, nothing of uK.test is used for training:
/// 1. split uK.base per user into history (first 1 − f of each user's events) and labels (the rest);
/// 2. train the ALS on the history, generate candidates for every user with labels, label a candidate 1
///    when it is among the user's held-out items, and train the reranker on those lists;
/// 3. retrain the ALS on all of uK.base (the same model the baseline ranks with), generate candidates
///    for every test user, rerank them and score the top K against uK.test, beside the plain top K of
///    the embedding scan from the same model.
/// </summary>
public static class RerankEvaluation
{
    public static RerankEvaluationResult Run(MovieLensDataset data, OfflineEvaluationOptions offline, RerankOptions options,
        Action<RerankFoldResult>? onFold = null, CancellationToken cancellationToken = default)
    {
        var categories = ItemCategories(data);
        var folds = new List<RerankFoldResult>();
        foreach (int fold in offline.Folds)
        {
            var (train, test) = MovieLensFolds.Split(data.Ratings, fold);
            var result = RunFold(fold, data.Users, data.Items, train, test, categories, data.Genres.Count, offline, options, cancellationToken);
            onFold?.Invoke(result);
            folds.Add(result);
        }
        return new RerankEvaluationResult(folds);
    }

    public static int[][] ItemCategories(MovieLensDataset data)
    {
        var categories = new int[data.Items][];
        for (int i = 0; i < categories.Length; i++) categories[i] = [];
        foreach (var m in data.Movies) categories[m.Id - 1] = m.GenreIds;
        return categories;
    }

    public static RerankFoldResult RunFold(int fold, int users, int items, IReadOnlyList<MovieLensRating> train, IReadOnlyList<MovieLensRating> test,
        int[][] categories, int categoryCount, OfflineEvaluationOptions offline, RerankOptions options, CancellationToken cancellationToken = default)
    {
        var events = train.Select(r => new Interaction(r.User - 1, r.Item - 1, r.Rating, r.Timestamp)).ToArray();
        int featureCount = RerankFeatures.Count(categoryCount);

        // 1–2: the reranker's own training set, from uK.base only.
        var (history, labels) = HoldOut(events, options);
        var historyContext = Context(history, users, items, categories, categoryCount, offline, options, cancellationToken);
        var groups = TrainingGroups(historyContext, history, labels, users, items, featureCount, options);
        var watch = Stopwatch.StartNew();
        var reranker = LightGbmReranker.Train(groups, featureCount, options);
        watch.Stop();

        // 3: evaluation against uK.test.
        var context = Context(events, users, items, categories, categoryCount, offline, options, cancellationToken);
        var relevant = test.GroupBy(r => r.User - 1).ToDictionary(g => g.Key, g => (IReadOnlySet<int>)g.Select(r => r.Item - 1).ToHashSet());
        var seenByUser = SeenSets(events, users, items);
        var testUsers = relevant.Keys.Order().ToArray();
        var als = new RankingAccumulator();
        var reranked = new RankingAccumulator();
        var latency = new double[testUsers.Length];
        var rerankLatency = new double[testUsers.Length];
        long candidateTotal = 0;
        var features = new float[(options.EmbeddingCandidates + options.PopularCandidates) * featureCount];
        var scores = new float[options.EmbeddingCandidates + options.PopularCandidates];
        // Sequential on purpose: the per-user time is the cost of one ranking request.
        for (int t = 0; t < testUsers.Length; t++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int u = testUsers[t];
            long start = Stopwatch.GetTimestamp();
            var candidates = CandidateGenerator.For(context, u, seenByUser[u], options);
            long featuresStart = Stopwatch.GetTimestamp();
            RerankFeatures.Fill(context, u, candidates, features);
            reranker.Score(features, scores.AsSpan(0, candidates.Length));
            var order = TopByScore(candidates, scores, offline.K);
            latency[t] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            rerankLatency[t] = Stopwatch.GetElapsedTime(featuresStart).TotalMicroseconds;
            candidateTotal += candidates.Length;

            var plain = new int[Math.Min(offline.K, candidates.Length)];
            for (int j = 0; j < plain.Length; j++) plain[j] = candidates[j].Item; // candidates are in embedding order
            als.Add(RankingMetrics.Evaluate(plain, relevant[u], offline.K));
            reranked.Add(RankingMetrics.Evaluate(order, relevant[u], offline.K));
        }
        Array.Sort(latency);
        Array.Sort(rerankLatency);
        return new RerankFoldResult(fold, testUsers.Length, als.Mean, reranked.Mean, groups.Count, groups.Sum(g => g.Labels.Length), watch.Elapsed,
            latency[latency.Length / 2], latency[(int)(latency.Length * 0.99)],
            rerankLatency[rerankLatency.Length / 2], rerankLatency[(int)(rerankLatency.Length * 0.99)], (double)candidateTotal / testUsers.Length);
    }

    /// <summary>Items of the best <paramref name="k"/> scores, ties → earlier (better embedding) candidate.</summary>
    public static int[] TopByScore(ReadOnlySpan<Candidate> candidates, ReadOnlySpan<float> scores, int k)
    {
        var idx = new int[candidates.Length];
        for (int j = 0; j < idx.Length; j++) idx[j] = j;
        var s = scores[..candidates.Length].ToArray();
        Array.Sort(idx, (a, b) => s[a] != s[b] ? s[b].CompareTo(s[a]) : a.CompareTo(b));
        var top = new int[Math.Min(k, idx.Length)];
        for (int j = 0; j < top.Length; j++) top[j] = candidates[idx[j]].Item;
        return top;
    }

    /// <summary>Each user's last <see cref="RerankOptions.LabelFraction"/> of events (by time, or a seeded random share).</summary>
    public static (Interaction[] History, Interaction[] Labels) HoldOut(IReadOnlyList<Interaction> events, RerankOptions options)
    {
        var history = new List<Interaction>(events.Count);
        var labels = new List<Interaction>();
        var rng = new Random(options.Seed);
        foreach (var g in events.GroupBy(e => e.User).OrderBy(g => g.Key))
        {
            var list = options.LabelByTime
                ? g.OrderBy(e => e.Timestamp).ThenBy(e => e.Item).ToArray()
                : g.OrderBy(e => e.Item).ToArray();
            if (!options.LabelByTime) rng.Shuffle(list);
            int held = (int)(list.Length * options.LabelFraction);
            history.AddRange(list.AsSpan(0, list.Length - held).ToArray());
            labels.AddRange(list.AsSpan(list.Length - held).ToArray());
        }
        return ([.. history], [.. labels]);
    }

    private static RerankContext Context(IReadOnlyList<Interaction> events, int users, int items, int[][] categories, int categoryCount,
        OfflineEvaluationOptions offline, RerankOptions options, CancellationToken ct)
    {
        var builder = new InteractionMatrixBuilder(users, items);
        foreach (var e in events) builder.Add(e.User, e.Item, offline.Als.Confidence(offline.RatingStrength((int)e.Value)), 1f);
        var model = ImplicitAls.Train(builder.Build(), offline.Als, ct);
        return RerankContext.Build(model, events, categories, categoryCount, options);
    }

    private static ulong[][] SeenSets(IReadOnlyList<Interaction> events, int users, int items)
    {
        var seen = new ulong[users][];
        for (int u = 0; u < users; u++) seen[u] = BitSet.Create(items);
        foreach (var e in events) BitSet.Set(seen[e.User], e.Item);
        return seen;
    }

    private static List<RerankGroup> TrainingGroups(RerankContext context, IReadOnlyList<Interaction> history, IReadOnlyList<Interaction> labels,
        int users, int items, int featureCount, RerankOptions options)
    {
        var seen = SeenSets(history, users, items);
        var held = labels.GroupBy(e => e.User).ToDictionary(g => g.Key, g => g.Select(e => e.Item).ToHashSet());
        var keys = held.Keys.Order().ToArray();
        var groups = new RerankGroup?[keys.Length];
        Parallel.For(0, keys.Length, t =>
        {
            int u = keys[t];
            var candidates = CandidateGenerator.For(context, u, seen[u], options);
            var y = new float[candidates.Length];
            bool any = false;
            for (int j = 0; j < y.Length; j++) if (held[u].Contains(candidates[j].Item)) { y[j] = 1; any = true; }
            if (!any) return; // a list without a positive carries no LambdaRank gradient
            var x = new float[candidates.Length * featureCount];
            RerankFeatures.Fill(context, u, candidates, x);
            groups[t] = new RerankGroup(u, x, y);
        });
        return [.. groups.OfType<RerankGroup>()];
    }
}
