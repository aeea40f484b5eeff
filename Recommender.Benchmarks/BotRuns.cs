using Recommender.Grains.Domain;
using Recommender.Learning;
using Recommender.Silo.Demo;

namespace Recommender.Benchmarks;

/// <summary>
/// <c>bots [--bots 10] [--steps 30] [--seed 1]</c>: the taste bots of the simulator, in-process, on
/// the demo catalogue: the self-tuned model is fitted on the demo's background users, then each bot
/// is ranked the way the service ranks (fold-in with the recency rule, item-item over its history,
/// content profile, popularity, the chosen blend) and acts by the page's rules. Prints each bot's
/// precision@10 path and the median from interaction 10 on.
/// </summary>
public static class BotRuns
{
    public static int Run(string[] args)
    {
        var botCount = Args.Int(args, "--bots", 10);
        var steps = Args.Int(args, "--steps", 30);
        var seed = Args.Int(args, "--seed", 1);
        var browsing = Args.Int(args, "--browse", 0) / 100.0;
        var browseLikes = args.Contains("--browse-likes");
        var skipping = args.Contains("--skips");
        var randomPick = args.Contains("--random-pick");
        var turnBrowse = args.Contains("--turn-browse");
        var fallbackViews = args.Contains("--fallback-views");
        var items = DemoCatalog.Items();
        var itemIndex = items.Select((m, i) => (m.ItemId, i)).ToDictionary(p => p.ItemId, p => p.i);
        var start = DateTimeOffset.UtcNow.AddDays(-14).ToUnixTimeMilliseconds();
        var users = DemoCatalogSeeder.BackgroundUsers + botCount;
        var builder = new FeedbackBuilder(users, items.Length);
        for (var u = 1; u <= DemoCatalogSeeder.BackgroundUsers; u++)
            foreach (var e in DemoCatalogSeeder.DemoHistory(u, items, start))
                builder.Add(u - 1, itemIndex[e.ItemId], (EvidenceKind)e.Type, e.Value);
        var categories = ItemCategories.From([.. items.Select(i => (IReadOnlyList<string>)i.Categories)]);
        var data = builder.Build(categories);
        var tuning = AutoTuner.Run(data, new TuningOptions { ContentSaturation = Args.String(args, "--tau") is { } tau ? float.Parse(tau, System.Globalization.CultureInfo.InvariantCulture) : null }, new AlsSettings(), args.Contains("--verbose") ? line => { if (!line.StartsWith("ALS")) Console.WriteLine("  " + line); } : null);
        var fitted = FittedModel.Fit(data, tuning.Winner);
        var settings = tuning.Winner;
        if (Args.String(args, "--blend") is { } forced)
        {
            var w = forced.Split(',').Select(v => float.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            settings = settings with { Blend = new BlendWeights(w[0], w[1], w[2], w[3]) };
        }
        Console.WriteLine($"serving {settings.Blend} — {tuning.Reason}");
        var k = settings.Als.Factors;
        var gram = fitted.Als.ItemGram();
        var recency = RecencyWeights.For(Args.Int(args, "--halflife", 5));
        var random = new Random(seed);
        var all = new List<double>();
        var low = 0;
        for (var b = 0; b < botCount; b++)
        {
            var pool = DemoCatalog.Categories.OrderBy(_ => random.Next()).ToArray();
            var tasteList = pool.Take(2).ToArray();
            var taste = new HashSet<string>(tasteList, StringComparer.OrdinalIgnoreCase);
            var tasteItems = Enumerable.Range(0, items.Length).Where(i => items[i].Categories.Any(taste.Contains)).ToList();
            var history = new List<(int Item, EvidenceTally Tally, int Position)>();
            var skips = new Dictionary<int, int>();
            var x = new float[k];
            var path = new List<string>();
            for (var step = 0; step <= steps; step++)
            {
                var top = Rank(history, x, fitted, settings, categories, items.Length, recency, gram, skipping ? skips : null);
                var precision = top.Count(i => items[i].Categories.Any(taste.Contains)) / 10.0;
                if (args.Contains("--debug") && step >= 17 && step <= 20 && b == 0)
                {
                    var profile = new float[categories.Count];
                    CategoryProfile.Build(profile, categories, history.Select(h => h.Item).ToArray(), history.Select(h => settings.Evidence.Strength(h.Tally)).ToArray(), settings.ContentSaturation);
                    Console.WriteLine($"  step {step} profile: " + string.Join(", ", Enumerable.Range(0, categories.Count).Where(c => profile[c] != 0).Select(c => $"{categories.Names[c]} {profile[c]:0.00}")));
                    Console.WriteLine($"  top: " + string.Join(", ", top.Select(i => string.Join('/', items[i].Categories))));
                }
                var unseen = tasteItems.Count(i => history.All(h => h.Item != i));
                path.Add($"{precision:0.0}");
                if (step >= 10 && unseen >= 10) { all.Add(precision); if (precision < 0.5) low++; }
                if (step == steps) break;
                var liked = top.Where(i => items[i].Categories.Any(taste.Contains) && history.All(h => h.Item != i)).ToList();
                EvidenceTally tally = default;
                int item;
                var browse = turnBrowse ? step % 5 == 4 : random.NextDouble() < browsing;
                if (liked.Count > 0 && !browse)
                {
                    item = randomPick ? liked[random.Next(liked.Count)] : liked[0];
                    if (random.NextDouble() < 0.5) tally.Add(EvidenceKind.Like, 0, false); else tally.Add(EvidenceKind.Rating, random.Next(4, 6), false);
                }
                else
                {
                    var wanted = turnBrowse && browse ? tasteList[(step / 5) % 2] : null;
                    var fresh = tasteItems.Where(i => history.All(h => h.Item != i) && (wanted is null || items[i].Categories.Contains(wanted))).ToList();
                    if (fresh.Count == 0) fresh = tasteItems.Where(i => history.All(h => h.Item != i)).ToList();
                    if (fresh.Count == 0) break;
                    item = fresh[random.Next(fresh.Count)];
                    if (browseLikes && (browse || !fallbackViews)) { if (random.NextDouble() < 0.5) tally.Add(EvidenceKind.Like, 0, false); else tally.Add(EvidenceKind.Rating, random.Next(4, 6), false); }
                    else tally.Add(EvidenceKind.View, 0, false);
                }
                history.Add((item, tally, step + 1));
                var at = Array.IndexOf(top, item);
                for (var r = 0; r < at; r++) skips[top[r]] = skips.GetValueOrDefault(top[r]) + 1;
            }
            Console.WriteLine($"bot {b} {string.Join('+', taste),-22} {string.Join(' ', path)}");
            if (args.Contains("--trace"))
            {
                Console.WriteLine("   history: " + string.Join(", ", history.Select(h => $"{(h.Tally.Count(EvidenceKind.View) > 0 ? "v" : "l")}:{string.Join('/', items[h.Item].Categories)}")));
                var last = Rank(history, x, fitted, settings, categories, items.Length, recency, gram, null);
                Console.WriteLine("   top: " + string.Join(", ", last.Select(i => string.Join('/', items[i].Categories))));
            }
        }
        all.Sort();
        Console.WriteLine($"median precision@10 from interaction 10 (while ≥ 10 unseen taste items): {(all.Count == 0 ? double.NaN : all[all.Count / 2]):0.00}; steps below 0.5: {low} of {all.Count}");
        return 0;
    }

    private static int[] Rank(List<(int Item, EvidenceTally Tally, int Position)> history, float[] x, FittedModel fitted, ModelSettings s,
        ItemCategories categories, int n, RecencyWeights recency, float[] gram, Dictionary<int, int>? skips)
    {
        var curve = s.Evidence;
        var seen = BitSet.Create(n);
        foreach (var h in history) BitSet.Set(seen, h.Item);
        if (history.Count == 0)
            return HybridScorer.Top(fitted.Popularity, 10, seen).Select(t => t.Index).ToArray();
        var position = history.Count;
        var cols = history.Select(h => h.Item).ToArray();
        var conf = history.Select(h => recency.Confidence(s.Als.Alpha * curve.Strength(h.Tally), position - h.Position)).ToArray();
        var pref = history.Select(_ => 1f).ToArray();
        FoldIn.User(x, fitted.Als.ItemFactors, s.Als.Factors, gram, cols, conf, pref, s.Als.RowLambda(cols.Length), 12);
        var als = new float[n];
        HybridScorer.Als(fitted.Als.ItemFactors, s.Als.Factors, x, als);
        var itemItem = new float[n];
        fitted.ItemItem?.Accumulate(cols, default, itemItem);
        var profile = new float[categories.Count];
        CategoryProfile.Build(profile, categories, cols, history.Select(h => curve.Strength(h.Tally)).ToArray(), s.ContentSaturation);
        var content = new float[n];
        CategoryProfile.Score(categories, profile, content);
        var blended = new float[n];
        HybridScorer.Blend(s.Blend, als, itemItem, content, fitted.Popularity, seen, blended, fitted.ItemItem?.Covered);
        if (skips is not null)
            foreach (var (i, count) in skips) blended[i] = blended[i] > 0 ? blended[i] * MathF.Pow(0.5f, count) : blended[i] * MathF.Pow(2f, count);
        return HybridScorer.Top(blended, 10, seen).Select(t => t.Index).ToArray();
    }
}
