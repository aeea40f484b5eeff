namespace Recommender.Grains.Learning;

/// <summary>Settings of <see cref="PrequentialEvaluation"/>.</summary>
public sealed record PrequentialOptions
{
    public ImplicitAlsOptions Als { get; init; } = new();
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

    /// <summary>Half-life, in stream events, of the popularity used in the blend; 0 = plain counts.</summary>
    public double PopularityHalfLife { get; init; }
}
