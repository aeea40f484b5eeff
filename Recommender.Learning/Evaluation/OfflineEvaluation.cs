using System.Diagnostics;

namespace Recommender.Learning;

/// <summary>
/// DESIGN.md's offline protocol on ML-100K: for each official fold uK (rebuilt by
/// <see cref="MovieLensFolds"/>), train on uK.base with every rating an implicit positive, then for
/// every user with test ratings rank ALL items the user did not rate in uK.base, cut at K, and score
/// the list against the user's uK.test items (all of them relevant, whatever the rating).
/// Metrics are averaged over the fold's test users, then over folds. MostPop (train counts) is ranked
/// under exactly the same exclusions as the baseline.
/// </summary>
public static class OfflineEvaluation
{
    public static OfflineEvaluationResult Run(MovieLensDataset data, OfflineEvaluationOptions options, CancellationToken cancellationToken = default)
    {
        var folds = new List<FoldResult>();
        foreach (int fold in options.Folds)
        {
            var (train, test) = MovieLensFolds.Split(data.Ratings, fold);
            folds.Add(RunFold(fold, data.Users, data.Items, train, test, options, cancellationToken));
        }
        return new OfflineEvaluationResult(folds);
    }

    public static FoldResult RunFold(int fold, int users, int items, IReadOnlyList<MovieLensRating> train, IReadOnlyList<MovieLensRating> test,
        OfflineEvaluationOptions options, CancellationToken cancellationToken = default)
    {
        var builder = new InteractionMatrixBuilder(users, items);
        var popularity = new float[items];
        foreach (var r in train)
        {
            builder.Add(r.User - 1, r.Item - 1, options.Als.Confidence(options.RatingStrength(r.Rating)), 1f);
            popularity[r.Item - 1]++;
        }
        var matrix = builder.Build();

        var watch = Stopwatch.StartNew();
        var model = ImplicitAls.Train(matrix, options.Als, cancellationToken);
        watch.Stop();

        var bias = options.PopularityWeight == 0f ? null : Popularity.LogBias(popularity, options.PopularityWeight);
        var relevant = test.GroupBy(r => r.User - 1).ToDictionary(g => g.Key, g => (IReadOnlySet<int>)g.Select(r => r.Item - 1).ToHashSet());
        var testUsers = relevant.Keys.Order().ToArray();
        var alsScores = new RankingScores[testUsers.Length];
        var popScores = new RankingScores[testUsers.Length];

        Parallel.For(0, testUsers.Length, new ParallelOptions { CancellationToken = cancellationToken }, t =>
        {
            int u = testUsers[t];
            var seen = BitSet.Create(items);
            foreach (int i in matrix.ByUser.RowColumns(u)) BitSet.Set(seen, i);
            var top = TopK.Search(model.ItemFactors, model.Factors, model.UserVector(u), options.K, excludeBits: seen, bias: bias);
            alsScores[t] = RankingMetrics.Evaluate(Indices(top), relevant[u], options.K);
            popScores[t] = RankingMetrics.Evaluate(Indices(Popularity.Top(popularity, options.K, seen)), relevant[u], options.K);
        });

        var als = new RankingAccumulator();
        var pop = new RankingAccumulator();
        foreach (var s in alsScores) als.Add(s);
        foreach (var s in popScores) pop.Add(s);
        return new FoldResult(fold, testUsers.Length, als.Mean, pop.Mean, watch.Elapsed);
    }

    internal static int[] Indices(ScoredItem[] top)
    {
        var ids = new int[top.Length];
        for (int j = 0; j < top.Length; j++) ids[j] = top[j].Index;
        return ids;
    }
}
