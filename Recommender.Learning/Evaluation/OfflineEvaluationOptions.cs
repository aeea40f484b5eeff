namespace Recommender.Learning;

/// <summary>Settings of <see cref="OfflineEvaluation"/>.</summary>
public sealed record OfflineEvaluationOptions
{
    public ImplicitAlsOptions Als { get; init; } = new();

    /// <summary>Cut-off of every metric.</summary>
    public int K { get; init; } = 10;

    /// <summary>Which official folds to run (1…5).</summary>
    public IReadOnlyList<int> Folds { get; init; } = [1, 2, 3, 4, 5];

    /// <summary>
    /// Observation strength r of a rating; the cell's confidence is <see cref="ImplicitAlsOptions.Confidence"/>(r)
    /// = 1 + α·r and its preference is 1 (every rating is an implicit positive).
    /// </summary>
    public Func<int, float> RatingStrength { get; init; } = RatingWeights.Tuned;

    /// <summary>β of score = x·y + β·ln(1 + train count); 0 = the pure embedding score.</summary>
    public float PopularityWeight { get; init; }
}
