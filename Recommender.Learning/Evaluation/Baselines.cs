using System.Diagnostics;

namespace Recommender.Learning;

/// <summary>
/// The yardsticks every evaluation prints beside the service, trained on the same training part
/// and scored on the same test part: most popular, item-kNN, a plain implicit ALS and EASE. Each
/// gets its hyper-parameters chosen the honest way — on an inner validation split of the training
/// part (<see cref="Holdout"/>), never on the test part — so none is a straw man.
/// </summary>
public static class Baselines
{
    public sealed record Result(string Method, RankingScores Scores, string Settings, double Seconds);

    /// <summary>Which yardsticks to run (all by default) and the EASE size limit.</summary>
    public sealed record Options
    {
        public bool Popularity { get; init; } = true;
        public bool ItemKnn { get; init; } = true;
        public bool PlainAls { get; init; } = true;
        public bool Ease { get; init; } = true;
        /// <summary>Items the dense EASE solve covers at most (those with ≥ 2 users, most popular first).</summary>
        public int EaseMaxItems { get; init; } = 8000;
        public int K { get; init; } = 10;
        public int Seed { get; init; } = 42;
    }

    public static List<Result> Run(Feedback train, Dictionary<int, int[]> test, Options o, Action<string>? log = null, CancellationToken ct = default)
    {
        var results = new List<Result>();
        var testSet = new ValidationSet(train, test, o.K);
        var (inner, innerHeld) = new Holdout { Seed = (ulong)o.Seed + 1, MaxUsers = int.MaxValue }.Split(train);
        var validation = new ValidationSet(inner, innerHeld, o.K);
        void Add(string method, RankingScores scores, string settings, Stopwatch watch)
        {
            results.Add(new Result(method, scores, settings, watch.Elapsed.TotalSeconds));
            log?.Invoke($"  {method,-12} NDCG@{o.K} {scores.Ndcg:0.0000}  ({settings}, {watch.Elapsed.TotalSeconds:0.0} s)");
        }

        if (o.Popularity)
        {
            var watch = Stopwatch.StartNew();
            Add("popularity", testSet.Static(FittedModel.PopularityScores(train)), "users per item", watch);
        }
        if (o.ItemKnn)
        {
            var watch = Stopwatch.StartNew();
            var innerPositives = inner.Positives();
            var best = Choose([.. from n in new[] { 20, 50, 100, 200 } from s in new[] { 0f, 10f, 100f } select new ItemKnn.Settings(n, s)],
                s => validation.ItemItem(ItemKnn.Train(innerPositives, s)).Ndcg);
            Add("item-kNN", testSet.ItemItem(ItemKnn.Train(train.Positives(), best)), $"{best.Neighbours} neighbours, shrink {best.Shrink}", watch);
        }
        if (o.PlainAls)
        {
            var watch = Stopwatch.StartNew();
            // Hu–Koren–Volinsky with c = 1 + α (binary) or c = 1 + α·s (ratings/amounts as strength), CG close to exact.
            EvidenceCurve binary = new() { Sharpness = 0f, RatingExponent = 0f, AmountExponent = 0f };
            EvidenceCurve graded = new() { Sharpness = 0f, RatingExponent = 1f, AmountExponent = 1f };
            var grid = (from curve in new[] { binary, graded } from l in new[] { 3f, 10f, 30f, 100f, 300f } from a in new[] { 1f, 3f, 10f, 30f }
                        select (Curve: curve, Als: new AlsSettings(64, l, a, 15, 6))).ToList();
            var best = Choose(grid, g => validation.Als(ImplicitAls.Train(inner.ToMatrix(g.Curve, g.Als.Alpha), g.Als.ToOptions(o.Seed), ct)).Ndcg);
            var model = ImplicitAls.Train(train.ToMatrix(best.Curve, best.Als.Alpha), best.Als.ToOptions(o.Seed), ct);
            Add("plain ALS", testSet.Als(model), $"{best.Als}, {(best.Curve == binary ? "binary" : "graded")} confidence, CG 6", watch);
        }
        if (o.Ease)
        {
            var watch = Stopwatch.StartNew();
            var innerPositives = inner.Positives();
            var innerItems = Ease.CoveredItems(innerPositives, o.EaseMaxItems);
            if (innerItems.Length >= 2)
            {
                var gram = CoOccurrence.DenseGram(innerPositives, innerItems, inner.Items);
                var mean = Enumerable.Range(0, innerItems.Length).Average(t => gram[(long)t * innerItems.Length + t]);
                var best = Choose([.. new[] { 0.25, 1, 4, 16, 64 }.Select(f => (float)Math.Max(1, f * mean))],
                    l => validation.ItemItem(Ease.Solve((float[])gram.Clone(), innerItems, inner.Items, new Ease.Settings(l, o.EaseMaxItems, int.MaxValue))).Ndcg);
                var positives = train.Positives();
                var model = Ease.Train(positives, new Ease.Settings(best, o.EaseMaxItems, int.MaxValue));
                Add("EASE", testSet.ItemItem(model), $"λ {best:0.#}, dense over {Ease.CoveredItems(positives, o.EaseMaxItems).Length} items", watch);
            }
        }
        return results;
    }

    /// <summary>The service's own learning, in-process: the self-tuning on the training part, then the winner fitted on all of it.</summary>
    public static (Result Result, TuningResult Tuning) SelfTuned(Feedback train, Dictionary<int, int[]> test, TuningOptions tuning, AlsSettings defaults, int k = 10, Action<string>? log = null)
    {
        var watch = Stopwatch.StartNew();
        var result = AutoTuner.Run(train, tuning, defaults, log is null ? null : line => log("    " + line));
        var fitted = FittedModel.Fit(train, result.Winner, tuning.Seed);
        var scores = new ValidationSet(train, test, k).Blends(fitted.Sources(train), [result.Winner.Blend])[0];
        var row = new Result("self-tuned", scores, $"{result.Winner.Blend}; {result.Winner.Als}, evidence {AutoTuner.Describe(result.Winner.Evidence)}", watch.Elapsed.TotalSeconds);
        return (row, result);
    }

    private static T Choose<T>(IReadOnlyList<T> candidates, Func<T, double> score)
    {
        var best = 0;
        var bestScore = double.NegativeInfinity;
        for (var c = 0; c < candidates.Count; c++)
        {
            var s = score(candidates[c]);
            if (s > bestScore) { bestScore = s; best = c; }
        }
        return candidates[best];
    }

    /// <summary>The per-user test targets of a split: every test row's item, per user, minus the user's training items.</summary>
    public static Dictionary<int, int[]> Targets(Feedback train, IEnumerable<DataEvent> test)
    {
        var targets = new Dictionary<int, HashSet<int>>();
        foreach (var e in test) (targets.TryGetValue(e.User, out var set) ? set : targets[e.User] = []).Add(e.Item);
        var result = new Dictionary<int, int[]>();
        foreach (var (u, items) in targets)
        {
            var seen = new HashSet<int>(train.RowItems(u).ToArray());
            var relevant = items.Where(i => !seen.Contains(i)).ToArray();
            if (relevant.Length > 0) result[u] = relevant;
        }
        return result;
    }
}
