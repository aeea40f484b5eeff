using System.Diagnostics;

namespace Recommender.Learning;

/// <summary>
/// Chooses a configuration for the data at hand, at every retraining: holds out a share of each
/// user's positives (<see cref="Holdout"/>), scores candidates by NDCG@K on them
/// (<see cref="ValidationSet"/>), and returns the winner, which the caller then fits on everything.
///   1. ALS: successive halving (Jamieson &amp; Talwalkar 2016) over the configured default and
///      quasi-random (Halton) draws of λ, α (log-uniform), k and the evidence curve's applicable
///      knobs; a third survives each round, warm-started with more sweeps.
///   2. Item-item: EASE over a λ ladder where the dense solve fits, RP3β and item-kNN over small grids.
///   3. Popularity and (when items have categories) the content profile, alone.
///   4. The blend of the best of each: the ALS ↔ item-item weight on a 0.1 grid, then content and
///      popularity shares on top. Single models are blends too, so the served model is never worse
///      on validation than ALS, item-kNN or popularity alone.
/// Deterministic: the split is a hash, every model is seeded, and ties break in a fixed order.
/// The work is a fixed schedule of sweeps and solves (no wall-clock cut-off that would make two
/// runs differ); its cost is measured and reported.
/// </summary>
public static class AutoTuner
{
    public static TuningResult Run(Feedback data, TuningOptions options, AlsSettings defaults, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        var (train, held) = options.Holdout.Split(data);
        return Run(train, held, options, defaults, log, cancellationToken);
    }

    /// <summary>The search on a split made by the caller (<paramref name="train"/> and, per validated user, its held-out items).</summary>
    public static TuningResult Run(Feedback train, Dictionary<int, int[]> held, TuningOptions options, AlsSettings defaults, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var validation = new ValidationSet(train, held, options.K);
        var scores = new List<CandidateScore>();
        void Report(string family, string settings, double ndcg, double seconds)
        {
            scores.Add(new CandidateScore(family, settings, ndcg, seconds));
            log?.Invoke($"{family,-10} {ndcg:0.0000}  {settings} ({seconds:0.00} s)");
        }

        if (validation.Count == 0)
            return new TuningResult(options.Fixed(defaults), double.NaN, [], "too little data to validate (no user with enough positives): the configured settings", 0, clock.Elapsed);

        var popularity = FittedModel.PopularityScores(train);
        var watch = Stopwatch.StartNew();
        Report("popularity", "users per item", validation.Static(popularity).Ndcg, watch.Elapsed.TotalSeconds);

        var (als, alsSettings, curve, alsNdcg) = SearchAls(train, validation, options, defaults, Report, cancellationToken);
        var (itemItem, itemItemSettings, itemItemNdcg) = SearchItemItem(train, validation, options, Report, cancellationToken);

        var categories = train.Categories is { Any: true } c ? c : null;
        // The content profile's saturation τ and the blend are chosen together: each τ within 1 % of the
        // best τ for content alone gets its own blend search, and the best blend wins (a near-tie, 0.1 %,
        // goes to the larger τ: the profile that needs more evidence before a category counts).
        var taus = categories is null ? [1f] : options.ContentSaturation is { } fixedTau ? [fixedTau] : SaturationChoices(validation, categories, curve, popularity, Report);
        var (blend, blendNdcg, saturation) = (BlendWeights.AlsOnly, double.NegativeInfinity, 1f);
        foreach (var tau in taus)
        {
            var (candidate, ndcg) = BlendSearch(validation, new FittedSources(als, itemItem, categories, curve, popularity, tau), options, Report);
            if (ndcg > blendNdcg * 1.001 || double.IsNegativeInfinity(blendNdcg)) (blend, blendNdcg, saturation) = (candidate, ndcg, tau);
        }

        var winner = new ModelSettings { Evidence = curve, Als = alsSettings, ItemItem = itemItemSettings, Blend = blend, ContentSaturation = saturation };
        var popularityNdcg = scores[0].Ndcg;
        var reason = blend.IsAlsOnly
            ? $"ALS alone scored best on validation ({alsNdcg:0.0000}; best item-item {itemItemNdcg:0.0000}, popularity {popularityNdcg:0.0000})"
            : $"the blend {blend} scored {blendNdcg:0.0000} on validation (ALS alone {alsNdcg:0.0000}, best item-item {itemItemNdcg:0.0000}, popularity {popularityNdcg:0.0000})";
        log?.Invoke($"winner: {blend}: {reason}");
        return new TuningResult(winner, blendNdcg, scores, reason, validation.Count, clock.Elapsed);
    }

    private static (AlsModel Model, AlsSettings Settings, EvidenceCurve Curve, double Ndcg) SearchAls(
        Feedback train, ValidationSet validation, TuningOptions o, AlsSettings defaults, Action<string, string, double, double> report, CancellationToken ct)
    {
        var search = new AlsSearch(train, validation, o, report, ct);
        var curves = CurveChoices(train, o);
        if (o.Previous is { } previous)
        {
            // Start where the previous training ended: its point, its curve first (if still a choice).
            defaults = previous.Als with { Iterations = defaults.Iterations, CgSteps = defaults.CgSteps };
            var same = curves.FindIndex(c => c with { Scale = 1f } == previous.Evidence with { Scale = 1f });
            if (same > 0)
            {
                var curve = curves[same];
                curves.RemoveAt(same);
                curves.Insert(0, curve);
            }
        }
        var start = defaults with { Factors = o.Factors ?? defaults.Factors, Lambda = o.Lambda ?? defaults.Lambda, Alpha = o.Alpha ?? defaults.Alpha, Nu = o.RegularizationExponent ?? defaults.Nu };
        var first = search.Fresh(start, curves[0]);

        // 1. Screen the evidence curves: each from the configured point (warm-started from the first
        //    curve's factors) and one coarse move of λ and α (×/÷ 3) — the optimum moves with the curve
        //    (on Last.fm 2k relative amounts want α ≈ 20 where absolute ones want α ≈ 3).
        var screened = curves.Select(curve => search.Step(curve == curves[0] ? first : search.Warm(first, start, curve), lambda: true, alpha: o.Alpha is null, step: 3f)).ToList();
        // 2. A pattern search over (λ, α) for the two best curves.
        var best = screened.OrderByDescending(p => p.Ndcg).Take(Math.Max(1, o.DescendCurves))
            .Select(p => search.Descend(p, lambda: true, alpha: o.Alpha is null, step: 2f)).Aggregate(search.Better);
        // 3. Row-size-scaled λ (λ·n^0.5), rescaled so that a row of median length keeps its λ.
        if (o.RegularizationExponent is null && o.Lambda is null && best.Settings.Nu == 0f)
        {
            var scaled = best.Settings with { Lambda = best.Settings.Lambda / MathF.Sqrt(MedianRowLength(train)), Nu = 0.5f };
            best = search.Better(best, search.Descend(search.Warm(best, scaled, best.Curve), lambda: true, alpha: false, step: 2f));
        }
        // 4. Larger k, each from scratch, λ and α re-checked nearby; stop at the first that does not help.
        if (o.Factors is null)
            foreach (var k in o.FactorChoices.Where(k => k > best.Settings.Factors).Order())
            {
                var larger = search.Descend(search.Fresh(best.Settings with { Factors = k }, best.Curve), lambda: true, alpha: o.Alpha is null, step: 1.4f);
                if (larger.Ndcg <= best.Ndcg) break;
                best = larger;
            }
        search.ReportAll(best);
        return (best.Model, best.Settings with { Iterations = o.Sweeps }, best.Curve, best.Ndcg);
    }

    private static float MedianRowLength(Feedback data)
    {
        var lengths = Enumerable.Range(0, data.Users).Select(u => data.RowItems(u).Length).Where(n => n > 0).Order().ToArray();
        return lengths.Length == 0 ? 1f : Math.Max(1, lengths[lengths.Length / 2]);
    }

    /// <summary>One trained ALS candidate.</summary>
    private sealed record AlsPoint(AlsSettings Settings, EvidenceCurve Curve, AlsModel Model, double Ndcg, double Seconds);

    /// <summary>
    /// Trains and scores ALS candidates: from scratch with the full sweeps, or warm-started from a
    /// nearby candidate's factors with a few sweeps (ALS converges in a handful of sweeps from a
    /// nearby solution: the regularisation-path trick), remembering each one scored.
    /// </summary>
    private sealed class AlsSearch(Feedback train, ValidationSet validation, TuningOptions o, Action<string, string, double, double> report, CancellationToken ct)
    {
        private readonly List<AlsPoint> _scored = [];
        private readonly Dictionary<EvidenceCurve, Dictionary<float, InteractionMatrix>> _matrices = [];

        public AlsPoint Fresh(AlsSettings settings, EvidenceCurve curve)
        {
            if (_scored.Count >= o.MaxAlsFits && _scored.Count > 0) return _scored.MaxBy(p => p.Ndcg)!;
            var watch = Stopwatch.StartNew();
            var options = Options(settings);
            var model = ImplicitAls.Initialize(train.Users, train.Items, options);
            ImplicitAls.Continue(model, Matrix(curve, settings.Alpha), options, o.Sweeps, ct);
            return Score(settings, curve, model, watch);
        }

        public AlsPoint Warm(AlsPoint from, AlsSettings settings, EvidenceCurve curve)
        {
            if (_scored.FirstOrDefault(p => p.Settings == settings && p.Curve == curve) is { } known) return known;
            if (_scored.Count >= o.MaxAlsFits) return from; // the budget is spent: no move
            var watch = Stopwatch.StartNew();
            var options = Options(settings);
            var model = new AlsModel(from.Model.Factors, from.Model.Users, from.Model.Items, (float[])from.Model.UserFactors.Clone(), (float[])from.Model.ItemFactors.Clone());
            ImplicitAls.Continue(model, Matrix(curve, settings.Alpha), options, o.WarmSweeps, ct);
            return Score(settings, curve, model, watch);
        }

        /// <summary>
        /// Pattern search (Hooke–Jeeves without the extrapolation): try λ and α multiplied and divided by
        /// the step from the current point (warm-started from it), move to the best that improves, and
        /// shrink the step (√) when none does; stop below a 1.15× step.
        /// </summary>
        public AlsPoint Descend(AlsPoint from, bool lambda, bool alpha, float step)
        {
            var current = from;
            while (step >= 1.3f)
            {
                var best = Step(current, lambda, alpha, step);
                if (best == current) step = MathF.Sqrt(step);
                current = best;
            }
            return current;
        }

        /// <summary>The best of the point and its moves λ×/÷step, α×/÷step and both together.</summary>
        public AlsPoint Step(AlsPoint current, bool lambda, bool alpha, float step)
        {
            lambda &= o.Lambda is null;
            var best = current;
            if (lambda)
            {
                best = Better(best, Warm(current, current.Settings with { Lambda = current.Settings.Lambda * step }, current.Curve));
                best = Better(best, Warm(current, current.Settings with { Lambda = current.Settings.Lambda / step }, current.Curve));
            }
            if (alpha)
            {
                best = Better(best, Warm(current, current.Settings with { Alpha = current.Settings.Alpha * step }, current.Curve));
                best = Better(best, Warm(current, current.Settings with { Alpha = current.Settings.Alpha / step }, current.Curve));
            }
            if (lambda && alpha)
            {
                // Along the ridge: where α·s ≫ 1, c ≈ α·s and scaling λ and α together leaves the
                // objective nearly unchanged, so the optimum lies on a diagonal that single-axis moves
                // cannot climb (a popularity-heavy synthetic set sat at λ 30, α 1 with 0.3145 while the
                // plain-ALS grid's λ 100, α 30 was 0.012 better on test).
                best = Better(best, Warm(current, current.Settings with { Lambda = current.Settings.Lambda * step, Alpha = current.Settings.Alpha * step }, current.Curve));
                best = Better(best, Warm(current, current.Settings with { Lambda = current.Settings.Lambda / step, Alpha = current.Settings.Alpha / step }, current.Curve));
            }
            return best;
        }

        /// <summary>The better of two; a tie keeps the first (the simpler, earlier one).</summary>
        public AlsPoint Better(AlsPoint a, AlsPoint b) => b.Ndcg > a.Ndcg + 1e-9 ? b : a;

        public void ReportAll(AlsPoint winner)
        {
            foreach (var p in _scored)
                report("ALS", $"{p.Settings}, evidence {Describe(p.Curve)}{(p == winner ? " (chosen)" : "")}", p.Ndcg, p.Seconds);
        }

        private AlsPoint Score(AlsSettings settings, EvidenceCurve curve, AlsModel model, Stopwatch watch)
        {
            ct.ThrowIfCancellationRequested();
            var point = new AlsPoint(settings, curve, model, validation.Als(model).Ndcg, 0);
            point = point with { Seconds = watch.Elapsed.TotalSeconds };
            _scored.Add(point);
            return point;
        }

        private ImplicitAlsOptions Options(AlsSettings settings) =>
            settings.ToOptions(o.Seed) with { MaxDegreeOfParallelism = o.MaxDegreeOfParallelism };

        private InteractionMatrix Matrix(EvidenceCurve curve, float alpha)
        {
            if (!_matrices.TryGetValue(curve, out var byAlpha)) _matrices[curve] = byAlpha = [];
            if (!byAlpha.TryGetValue(alpha, out var matrix)) byAlpha[alpha] = matrix = train.ToMatrix(curve, alpha);
            return matrix;
        }
    }

    /// <summary>
    /// The evidence curves worth trying on this data: each knob only where the data can tell its
    /// settings apart (ratings of several values, amounts, several kinds of positive evidence).
    /// The configured curve comes first.
    /// </summary>
    internal static List<EvidenceCurve> CurveChoices(Feedback data, TuningOptions o)
    {
        var baseCurve = o.Evidence with
        {
            RatingExponent = o.RatingExponent ?? o.Evidence.RatingExponent,
            AmountExponent = o.AmountExponent ?? o.Evidence.AmountExponent,
            Sharpness = o.Sharpness ?? o.Evidence.Sharpness,
        };
        var ratings = new HashSet<float>();
        var kinds = new int[7];
        var amounts = 0;
        foreach (var t in data.Tallies)
        {
            if (t.Negative) continue;
            for (var k = 0; k < 7; k++) if (t.Count((EvidenceKind)k) > 0) kinds[k]++;
            if (t.Count(EvidenceKind.Rating) > 0) ratings.Add(t.LastRating);
            if (t.Amount > 1f) amounts++;
        }
        var cells = Math.Max(1, data.NonZeros);
        var positiveKinds = kinds.Count(n => n >= 0.01 * cells);
        float[] exponents = o.RatingExponent is null && ratings.Count >= 2 ? [baseCurve.RatingExponent, 0f, 1f] : [baseCurve.RatingExponent];
        float[] amountExponents = o.AmountExponent is null && amounts >= 0.01 * cells ? [baseCurve.AmountExponent, 0f] : [baseCurve.AmountExponent];
        bool[] relative = o.RelativeAmounts is null && amounts >= 0.01 * cells ? [baseCurve.RelativeAmounts, !baseCurve.RelativeAmounts] : [baseCurve.RelativeAmounts];
        float[] sharpness = o.Sharpness is null && positiveKinds >= 2 ? [baseCurve.Sharpness, 0f] : [baseCurve.Sharpness];
        var curves = new List<EvidenceCurve>();
        foreach (var e in exponents.Distinct())
            foreach (var g in amountExponents.Distinct())
                foreach (var r in g == 0f ? [baseCurve.RelativeAmounts] : relative)
                    foreach (var s in sharpness.Distinct())
                        curves.Add((baseCurve with { RatingExponent = e, AmountExponent = g, RelativeAmounts = r, Sharpness = s }).Normalised(data));
        return curves;
    }

    private static (ItemNeighbours? Model, ItemItemSettings Settings, double Ndcg) SearchItemItem(
        Feedback train, ValidationSet validation, TuningOptions o, Action<string, string, double, double> report, CancellationToken ct)
    {
        if (o.ItemItem == ItemItemKind.None || o.Blend is { ItemItem: 0f }) return (null, ItemItemSettings.None, double.NaN);
        var positives = train.Positives();
        var results = new List<(ItemNeighbours Model, ItemItemSettings Settings, double Ndcg)>();
        void Try(ItemItemSettings settings, Func<ItemNeighbours> fit)
        {
            ct.ThrowIfCancellationRequested();
            var watch = Stopwatch.StartNew();
            var model = fit();
            var ndcg = validation.ItemItem(model).Ndcg;
            report(settings.Kind switch { ItemItemKind.Ease => "EASE", ItemItemKind.Rp3Beta => "RP3β", _ => "item-kNN" }, settings.ToString(), ndcg, watch.Elapsed.TotalSeconds);
            results.Add((model, settings, ndcg));
        }

        if (o.ItemItem is null or ItemItemKind.ItemKnn)
            foreach (var (neighbours, shrink) in new[] { (50, 0f), (o.Neighbours, 10f), (o.Neighbours, 100f) })
            {
                var settings = new ItemItemSettings(ItemItemKind.ItemKnn, ItemKnn: new ItemKnn.Settings(neighbours, shrink));
                Try(settings, () => ItemKnn.Train(positives, settings.ItemKnn!, o.MaxDegreeOfParallelism));
            }
        if (o.ItemItem is null or ItemItemKind.Rp3Beta)
            foreach (var (alpha, beta) in new[] { (1f, 0f), (1f, 0.3f), (1f, 0.6f), (0.6f, 0.3f) })
            {
                var settings = new ItemItemSettings(ItemItemKind.Rp3Beta, Rp3Beta: new Rp3Beta.Settings(alpha, beta, o.Neighbours));
                Try(settings, () => Rp3Beta.Train(positives, settings.Rp3Beta!, o.MaxDegreeOfParallelism));
            }
        if (o.ItemItem is null or ItemItemKind.Ease)
        {
            var covered = Ease.CoveredItems(positives, o.EaseMaxItems);
            if (covered.Length >= 2)
            {
                var gram = CoOccurrence.DenseGram(positives, covered, positives.ColumnCount);
                var n = covered.Length;
                double diagonal = 0;
                for (var t = 0; t < n; t++) diagonal += gram[(long)t * n + t];
                diagonal /= n;
                // λ ladder relative to the mean item count: EASE's ridge trades against the Gram's diagonal.
                foreach (var factor in new[] { 2.5f, 8f, 25f })
                {
                    var lambda = (float)Math.Max(1, diagonal * factor);
                    var settings = new ItemItemSettings(ItemItemKind.Ease, Ease: new Ease.Settings(lambda, o.EaseMaxItems, o.Neighbours));
                    Try(settings, () => Ease.Solve((float[])gram.Clone(), covered, positives.ColumnCount, settings.Ease!, o.MaxDegreeOfParallelism));
                }
            }
        }
        if (results.Count == 0) return (null, ItemItemSettings.None, double.NaN);
        var best = results.OrderByDescending(r => r.Ndcg).First();
        return best;
    }

    /// <summary>
    /// The saturations τ worth a blend search: by the content source alone on validation, every τ within
    /// 1 % of the best, largest first (category shares, 0, only when they beat every τ by 1 %). Measured:
    /// on the demo τ 1, 2 and 4 tie for content alone, and the blend of τ 2 (content 0.85) keeps every
    /// taste bot above 0.5 where τ 4's (content 0.3) does not; on the ML-100K stream a τ of 1 saturated
    /// every category a short history touched (recall@10 0.163 where τ 2 gave 0.175).
    /// </summary>
    private static float[] SaturationChoices(ValidationSet validation, ItemCategories categories, EvidenceCurve curve, float[] popularity, Action<string, string, double, double> report)
    {
        var scores = new List<(float Tau, double Ndcg)>();
        foreach (var tau in new[] { 4f, 2f, 1f, 0.5f, 0f })
        {
            var watch = Stopwatch.StartNew();
            var ndcg = validation.Blends(new FittedSources(null, null, categories, curve, popularity, tau), [new BlendWeights(0f, 0f, 1f, 0f)])[0].Ndcg;
            report("content", tau == 0f ? "category shares" : $"saturation τ {tau:0.##}", ndcg, watch.Elapsed.TotalSeconds);
            scores.Add((tau, ndcg));
        }
        var bestSaturated = scores.Where(p => p.Tau > 0f).Max(p => p.Ndcg);
        if (scores.Single(p => p.Tau == 0f).Ndcg > bestSaturated * 1.01) return [0f];
        return [.. scores.Where(p => p.Tau > 0f && p.Ndcg >= bestSaturated * 0.99).Select(p => p.Tau)];
    }

    private static (BlendWeights Blend, double Ndcg) BlendSearch(ValidationSet validation, FittedSources sources, TuningOptions o, Action<string, string, double, double> report)
    {
        var scales = validation.Scales(sources);
        if (o.Blend is { } configured)
        {
            var fixedBlend = configured.WithScales(scales);
            var ndcg = validation.Blends(sources, [fixedBlend])[0].Ndcg;
            report("blend", $"{fixedBlend} (configured)", ndcg, 0);
            return (fixedBlend, ndcg);
        }
        var watch = Stopwatch.StartNew();
        var hasItemItem = sources.ItemItem is not null;
        var hasContent = sources.Categories is not null;
        var first = new List<BlendWeights>();
        for (var step = 10; step >= 0; step--)
        {
            var w = step / 10f;
            if (!hasItemItem && step < 10) break;
            first.Add(new BlendWeights(w, 1f - w, 0f, 0f, scales));
        }
        if (hasContent) first.Add(new BlendWeights(0f, 0f, 1f, 0f, scales));
        if (o.Previous?.Blend is { } last && (hasItemItem || last.ItemItem == 0f) && (hasContent || last.Content == 0f))
            first.Add(last with { Scales = scales }); // the previous winner competes again
        var firstScores = validation.Blends(sources, first).Select(r => r.Ndcg).ToArray();
        for (var b = 0; b < first.Count; b++)
            if (first[b].Als is 0f or 1f || first[b].Content == 1f) report("blend", first[b].ToString(), firstScores[b], 0);
        var bestPair = Best(first, firstScores, b => b.Content == 0f);

        var second = new List<BlendWeights>();
        float[] contentShares = hasContent ? [0f, 0.05f, 0.1f, 0.2f, 0.3f, 0.5f, 0.7f, 0.85f, 0.95f] : [0f];
        foreach (var c in contentShares)
            foreach (var p in new[] { 0f, 0.05f, 0.1f, 0.2f })
            {
                if (c + p >= 1f) continue;
                var rest = 1f - c - p;
                second.Add(new BlendWeights(bestPair.Als * rest, bestPair.ItemItem * rest, c, p, scales));
            }
        var secondScores = validation.Blends(sources, second).Select(r => r.Ndcg).ToArray();
        var all = first.Concat(second).ToList();
        var allScores = firstScores.Concat(secondScores).ToArray();
        var winner = Best(all, allScores, _ => true);
        var winnerScore = allScores[all.IndexOf(winner)];
        report("blend", $"{winner} (best of {all.Count})", winnerScore, watch.Elapsed.TotalSeconds);
        return (winner, winnerScore);
    }

    /// <summary>The best-scoring blend; a tie goes to the earlier (simpler) one.</summary>
    private static BlendWeights Best(List<BlendWeights> blends, double[] scores, Func<BlendWeights, bool> eligible)
    {
        var best = -1;
        for (var b = 0; b < blends.Count; b++)
            if (eligible(blends[b]) && (best < 0 || scores[b] > scores[best] + 1e-12)) best = b;
        return blends[best];
    }

    public static string Describe(EvidenceCurve c) =>
        $"rating^{c.RatingExponent:0.##}, {(c.RelativeAmounts ? "relative " : "")}amount^{c.AmountExponent:0.##}, kinds^{c.Sharpness:0.##}";
}
