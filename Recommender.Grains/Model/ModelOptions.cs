using Recommender.Learning;

namespace Recommender.Grains.Model;

/// <summary>The learning settings of the service, bound from configuration section <c>Model</c>.</summary>
public sealed class ModelOptions
{
    public const string Section = "Model";

    /// <summary>k, the embedding size: where the self-tuning starts (it tries the larger <see cref="TuningSettings.FactorChoices"/> too).</summary>
    public int Factors { get; set; } = 64;
    /// <summary>λ where the self-tuning starts, and the λ of a training without tuning.</summary>
    public float Regularization { get; set; } = 30f;
    /// <summary>
    /// The per-event user and item steps use the trained model's own λ rule (λ·n^ν for a row of n
    /// cells) times this, so that a user's vector does not jump when its first event after a training
    /// re-fits it.
    /// </summary>
    public float OnlineRegularizationScale { get; set; } = 1f;
    /// <summary>α in c = 1 + α·s (s the cell's evidence strength, normalised to a mean of 1): where the self-tuning starts.</summary>
    public float Alpha { get; set; } = 3f;
    public int Iterations { get; set; } = 15;
    public int CgSteps { get; set; } = 3;
    /// <summary>CG steps of the per-event fold-in (warm-started, so a few suffice).</summary>
    public int FoldInCgSteps { get; set; } = 3;
    /// <summary>CG steps when a row is fitted from scratch (a user or item new to the current model).</summary>
    public int ColdFoldInCgSteps { get; set; } = 12;
    public int Seed { get; set; } = 42;
    /// <summary>
    /// Recency weighting of the online user step: the extra confidence (c − 1) of an interaction
    /// halves for every this many later interactions of the same user; 0 = off (the exact ALS step).
    /// 5 lifts prequential recall@10 on ML-100K from 0.163 to 0.179 (tastes drift; recent events say more).
    /// </summary>
    public float UserRecencyHalfLife { get; set; } = 5f;
    /// <summary>Update the item's vector on every event too (the ALS item step against its users' vectors).</summary>
    public bool OnlineItemStep { get; set; } = true;
    /// <summary>
    /// Rank with an int8 copy of the item vectors first and re-score the best 4·K exactly (same top-K
    /// on random data, ~2.5× faster scan at 100k–1M items); false = the plain float scan (the baseline
    /// the benchmarks compare with).
    /// </summary>
    public bool QuantizedScan { get; set; } = true;
    /// <summary>
    /// At most one online item step per item in this interval; events in between update the item's
    /// row and the step runs at the next event after it or at the item's publish tick. A popular
    /// item's step costs O(users × k), so this bounds its cost under load; sequential streams (the
    /// prequential protocol: one event every few ms, rarely the same item twice in 50 ms) see every step.
    /// </summary>
    public TimeSpan ItemStepInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// The item step interval grows with the item's row beyond this many users: an item with n users
    /// steps at most every ItemStepInterval · max(1, n / this). Each step costs O(n·k), so this bounds
    /// the CPU a hot item takes (with 1,100 users per item a batch ingest spent a fifth of its CPU in
    /// item steps); ML-100K's most popular item (583 users) still steps every ~115 ms.
    /// </summary>
    public int ItemStepUsersPerInterval { get; set; } = 256;

    /// <summary>How many users' vectors an item keeps for its online step (the most recent).</summary>
    public int MaxUsersPerItem { get; set; } = 2000;

    /// <summary>Retrain on this schedule when anything happened since the last training; zero = never.</summary>
    public TimeSpan RetrainInterval { get; set; } = TimeSpan.FromMinutes(30);
    /// <summary>Drift rule: retrain when the events since the last training exceed this share of its training set.</summary>
    public double RetrainWhenNewEventsShare { get; set; } = 0.2;
    /// <summary>Drift rule: never retrain because of drift with fewer new events than this.</summary>
    public long MinNewEventsForDrift { get; set; } = 500;
    /// <summary>Drift rule: retrain when the online hit-rate falls below this share of its value after the last training.</summary>
    public double RetrainWhenHitRateFallsTo { get; set; } = 0.7;
    /// <summary>How often the model grain checks the rules.</summary>
    public TimeSpan DriftCheckPeriod { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>How long after start the ALS kernels are kept warm (see <see cref="KernelWarmUp"/>); zero = never.</summary>
    public TimeSpan KernelWarmUp { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The self-tuning at every retraining (section <c>Model:Tuning</c>).</summary>
    public TuningSettings Tuning { get; set; } = new();

    /// <summary>The ALS settings the search starts from (and trains with when it does not search).</summary>
    public AlsSettings Defaults => new(Factors, Regularization, Alpha, Iterations, CgSteps);
}

/// <summary>
/// Section <c>Model:Tuning</c>: what the training searches before it fits (see
/// <see cref="AutoTuner"/>). Any knob given a value here is fixed and not searched; with
/// <see cref="Enabled"/> false nothing is searched.
/// </summary>
public sealed class TuningSettings
{
    public bool Enabled { get; set; } = true;
    /// <summary>Below this many logged events the search is skipped (too little to validate on).</summary>
    public long MinimumEvents { get; set; } = 100;
    /// <summary>Share of each validated user's positives held out.</summary>
    public double HoldoutShare { get; set; } = 0.2;
    /// <summary>At most this many users are validated (chosen by a hash, the same every time).</summary>
    public int ValidationUsers { get; set; } = 2000;
    public int Seed { get; set; } = 42;
    /// <summary>Larger k tried after tuning at <see cref="ModelOptions.Factors"/> (default 128, 256).</summary>
    public int[]? FactorChoices { get; set; }
    /// <summary>The dense EASE solve covers at most this many items (n³ multiply-adds: ~6 s at 6,000 on two cores).</summary>
    public int EaseMaxItems { get; set; } = 6000;
    /// <summary>Neighbours kept per item by the item-item models.</summary>
    public int Neighbours { get; set; } = 200;
    /// <summary>The search's budget: at most this many ALS fits.</summary>
    public int MaxAlsFits { get; set; } = 90;

    // Fixed knobs: a value here is used as is and not searched.
    public int? Factors { get; set; }
    public float? Lambda { get; set; }
    public float? Alpha { get; set; }
    public float? RegularizationExponent { get; set; }
    public float? RatingExponent { get; set; }
    public float? AmountExponent { get; set; }
    public bool? RelativeAmounts { get; set; }
    public float? Sharpness { get; set; }
    /// <summary>none, ease, rp3beta or itemknn.</summary>
    public string? ItemItem { get; set; }
    /// <summary>Fixed blend weights, e.g. <c>als=0.8,itemitem=0.2,content=0,popularity=0</c>.</summary>
    public string? Blend { get; set; }
    /// <summary>τ of the content profile's saturation (0 = category shares).</summary>
    public float? ContentSaturation { get; set; }

    public TuningOptions ToOptions(EvidenceCurve evidence, int seed) => new()
    {
        Enabled = Enabled,
        Holdout = new Holdout { Fraction = HoldoutShare, MaxUsers = ValidationUsers, Seed = (ulong)Seed },
        Evidence = evidence,
        Seed = seed,
        Factors = Factors, Lambda = Lambda, Alpha = Alpha, RegularizationExponent = RegularizationExponent,
        RatingExponent = RatingExponent, AmountExponent = AmountExponent, RelativeAmounts = RelativeAmounts, Sharpness = Sharpness,
        ItemItem = ItemItem is null ? null : Enum.Parse<ItemItemKind>(ItemItem.Replace("-", ""), ignoreCase: true),
        Blend = Blend is null ? null : ParseBlend(Blend),
        ContentSaturation = ContentSaturation,
        FactorChoices = FactorChoices ?? [128, 256],
        EaseMaxItems = EaseMaxItems,
        Neighbours = Neighbours,
        MaxAlsFits = MaxAlsFits,
    };

    public static BlendWeights ParseBlend(string text)
    {
        float als = 0, itemItem = 0, content = 0, popularity = 0;
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pair = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pair.Length != 2 || !float.TryParse(pair[1], System.Globalization.CultureInfo.InvariantCulture, out var w) || w < 0)
                throw new FormatException($"Model:Tuning:Blend: '{part}' is not name=weight");
            switch (pair[0].ToLowerInvariant().Replace("-", ""))
            {
                case "als": als = w; break;
                case "itemitem": itemItem = w; break;
                case "content": content = w; break;
                case "popularity": popularity = w; break;
                default: throw new FormatException($"Model:Tuning:Blend: unknown source '{pair[0]}' (als, itemitem, content, popularity)");
            }
        }
        return new BlendWeights(als, itemItem, content, popularity);
    }
}
