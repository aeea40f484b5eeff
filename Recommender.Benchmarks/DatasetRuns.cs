using System.Diagnostics;
using Recommender.Learning;

namespace Recommender.Benchmarks;

/// <summary>
/// <c>datasets [ml-100k|lastfm|synthetic:preset|DIR ...] [--folds 1-5] [--no-baselines]</c>: the
/// service's learning (self-tuning, then the winner fitted) against popularity, item-kNN, a plain
/// ALS and EASE, in-process, on the same split per dataset — ML-100K's folds u1–u5, every other
/// dataset a random 80/20 split of its rows (seed 42). Data is read in place from
/// <c>RECO_DATA_DIR</c> (default <c>../shared/data</c>).
/// </summary>
public static class DatasetRuns
{
    public static int Run(string[] args)
    {
        var root = Environment.GetEnvironmentVariable("RECO_DATA_DIR") ?? Path.GetFullPath("../shared/data");
        var names = args.Where((a, i) => !a.StartsWith("--") && (i == 0 || args[i - 1] != "--folds")).ToList();
        if (names.Count == 0) names = ["ml-100k", "lastfm-2k", "synthetic:longtail", "synthetic:popular"];
        var folds = Args.String(args, "--folds") is { } f ? ParseFolds(f) : [1, 2, 3, 4, 5];
        var baselines = !args.Contains("--no-baselines");
        Action<string>? detail = args.Contains("--verbose") ? Console.WriteLine : null;
        foreach (var name in names)
        {
            var path = name.StartsWith("synthetic") || Directory.Exists(name) ? name : Path.Combine(root, name);
            var data = DatasetReader.Open(path);
            Console.WriteLine($"== {data.Name}: {data.Description}");
            var splits = data.Name == "ml-100k"
                ? folds.Select(k => ($"u{k}", data.Fold(k))).ToList()
                : [("80/20 seed 42", data.RandomSplit(0.2, 42))];
            var table = new Dictionary<string, List<RankingScores>>();
            foreach (var (label, (trainRows, testRows)) in splits)
            {
                Console.WriteLine($"-- {label}: {trainRows.Length:N0} train rows, {testRows.Length:N0} test rows");
                var train = data.ToFeedback(trainRows);
                var test = Baselines.Targets(train, testRows);
                var tuningOptions = new TuningOptions
                {
                    DescendCurves = Args.Int(args, "--descend", 2),
                    WarmSweeps = Args.Int(args, "--warm", 5),
                };
                var (self, tuning) = Baselines.SelfTuned(train, test, tuningOptions, new AlsSettings(), log: detail);
                Console.WriteLine($"  self-tuned   NDCG@10 {self.Scores.Ndcg:0.0000}  ({self.Settings}; tuning {tuning.Elapsed.TotalSeconds:0.0} s, {tuning.Candidates.Count} candidates, total {self.Seconds:0.0} s)");
                Add(table, self);
                if (baselines)
                    foreach (var r in Baselines.Run(train, test, new Baselines.Options(), Console.WriteLine)) Add(table, r);
            }
            Console.WriteLine($"== {data.Name} mean over {splits.Count} split(s): NDCG@10 / P@10 / R@10 / HR@10");
            foreach (var (method, rows) in table)
                Console.WriteLine($"   {method,-12} {rows.Average(r => r.Ndcg):0.0000} / {rows.Average(r => r.Precision):0.0000} / {rows.Average(r => r.Recall):0.0000} / {rows.Average(r => r.HitRate):0.0000}");
        }
        return 0;
    }

    private static void Add(Dictionary<string, List<RankingScores>> table, Baselines.Result r)
    {
        if (!table.TryGetValue(r.Method, out var list)) table[r.Method] = list = [];
        list.Add(r.Scores);
    }

    private static int[] ParseFolds(string spec) => spec.Contains('-')
        ? Enumerable.Range(int.Parse(spec[..spec.IndexOf('-')]), int.Parse(spec[(spec.IndexOf('-') + 1)..]) - int.Parse(spec[..spec.IndexOf('-')]) + 1).ToArray()
        : spec.Split(',').Select(int.Parse).ToArray();
}
