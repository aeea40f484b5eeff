namespace Recommender.Learning;

/// <summary>Settings of <see cref="PrequentialEvaluation"/>.</summary>
public sealed record PrequentialOptions
{
    /// <summary>
    /// λ = 15 (not the offline 30): the stream's training part is 4 240 events, ~4 per user, and the
    /// optimum sits near λ/(1+α) ≈ 4–5 (measured: λ 10 → 0.148, 15 → 0.163, 20 → 0.162, 30 → 0.141
    /// with plain fold-in).
    /// </summary>
    public ImplicitAlsOptions Als { get; init; } = new() { Regularization = 15f };
    public int K { get; init; } = 10;

    /// <summary>Only events with this rating form the stream (DESIGN.md: rating-5 events).</summary>
    public int StreamRating { get; init; } = 5;
    public double TrainFraction { get; init; } = 0.2;
    public double WarmupFraction { get; init; } = 0.1;

    /// <summary>Observation strength of one stream event: c = 1 + α·strength, p = 1.</summary>
    public float EventStrength { get; init; } = 1f;

    /// <summary>CG steps of each online fold-in.</summary>
    public int FoldInCgSteps { get; init; } = 3;
    public bool UserFoldIn { get; init; } = true;

    /// <summary>See <see cref="OnlineAls.UserRecencyHalfLife"/>; 0 = off.</summary>
    public float UserRecencyHalfLife { get; init; } = 5f;

    /// <summary>User step / item step alternations per event.</summary>
    public int FoldInRounds { get; init; } = 1;

    /// <summary>
    /// Items with no event yet start from the mean vector of the trained items sharing their genres
    /// (DESIGN: "items with no interactions yet start from their categories"); false = from zero.
    /// </summary>
    public bool CategoryColdStart { get; init; }
    public bool ItemFoldIn { get; init; } = true;

    /// <summary>
    /// Background retrain every this many stream events (0 = never): ALS sweeps over every event so far,
    /// warm-started from the current (online-updated) factors — what the service's trainer grain does.
    /// </summary>
    public int RetrainEvery { get; init; }

    /// <summary>Sweeps of each background retrain.</summary>
    public int RetrainIterations { get; init; } = 3;

    /// <summary>β of score = x·y + β·ln(1 + popularity); 0 = the pure embedding score.</summary>
    public float PopularityWeight { get; init; }

    /// <summary>
    /// Extra popularity weight for users with little history: β_u = β + γ / n_u (n_u = the user's events
    /// so far). A vector fitted to one or two items is a weak signal; recent popularity fills in.
    /// </summary>
    public float SparseUserPopularityWeight { get; init; }

    /// <summary>
    /// Half-life, in stream events, of the popularity used for cold users (and the blend when β ≠ 0);
    /// 0 = plain counts. 500 events ≈ a few days of ML-100K's stream: recent releases dominate.
    /// </summary>
    public double PopularityHalfLife { get; init; } = 500;
}
