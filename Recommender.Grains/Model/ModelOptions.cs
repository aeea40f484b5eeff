using Recommender.Learning;

namespace Recommender.Grains.Model;

/// <summary>The learning settings of the service, bound from configuration section <c>Model</c>.</summary>
public sealed class ModelOptions
{
    public const string Section = "Model";

    /// <summary>k, the embedding size.</summary>
    public int Factors { get; set; } = 64;
    /// <summary>
    /// λ of the batch training on a dense enough log (30 measured best on the ML-100K offline
    /// protocol, 80k ratings). Sparse logs get less, see <see cref="RegularizationReferenceDensity"/>.
    /// </summary>
    public float Regularization { get; set; } = 30f;
    /// <summary>
    /// The data term of ALS grows with the observed cells while λ|x|² does not, so a fixed λ
    /// over-shrinks a sparse log: the training uses λ·min(1, √(d / d₀)) with d = cells / (users +
    /// items) and d₀ this reference (ML-100K's offline folds have d ≈ 31). On the prequential
    /// stream's first 20% (d ≈ 2.6 → λ ≈ 9) recall@10 is 0.178 instead of 0.161 with λ = 30.
    /// </summary>
    public double RegularizationReferenceDensity { get; set; } = 30;
    /// <summary>λ of the per-event user and item steps (15 measured best on the ML-100K prequential stream).</summary>
    public float OnlineRegularization { get; set; } = 15f;
    /// <summary>α in c = 1 + α·s, s the summed evidence strength of a (user, item) cell.</summary>
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

    /// <summary>The training λ for a log of this size (see <see cref="RegularizationReferenceDensity"/>).</summary>
    public float TrainingRegularization(long cells, int users, int items)
    {
        var density = cells / (double)Math.Max(1, users + items);
        return (float)(Regularization * Math.Min(1, Math.Sqrt(density / RegularizationReferenceDensity)));
    }

    public ImplicitAlsOptions ToAls(float regularization) => new()
    {
        Factors = Factors, Regularization = regularization, Alpha = Alpha,
        Iterations = Iterations, CgSteps = CgSteps, Seed = Seed,
    };

    /// <summary>c = 1 + α·s.</summary>
    public float Confidence(float strength) => 1f + Alpha * strength;
}
