namespace Recommender.Learning;

/// <summary>Hyper-parameters of <see cref="ImplicitAls"/>. Defaults are the ones tuned on ML-100K.</summary>
public sealed record ImplicitAlsOptions
{
    /// <summary>k, the embedding size.</summary>
    public int Factors { get; init; } = 64;

    /// <summary>λ in λ|x|²: the same for every row (the implicit-library convention).</summary>
    public float Regularization { get; init; } = 30f;

    /// <summary>
    /// α of Hu et al.'s c = 1 + α·r. The trainer reads confidences from the matrix as they are;
    /// <see cref="Confidence"/> is the one place that turns an observation strength r into c.
    /// </summary>
    public float Alpha { get; init; } = 3f;

    /// <summary>
    /// ν of a row-size-scaled regularisation λ_row = λ·n_row^ν (n_row = the row's observed entries,
    /// at least 1). 0 = the same λ for every row (HKV / implicit); 1 = ALS-WR's weighted-λ.
    /// </summary>
    public float RegularizationExponent { get; init; }

    /// <summary>λ for a row with <paramref name="observed"/> entries.</summary>
    public float RowRegularization(int observed)
        => RegularizationExponent == 0f ? Regularization : Regularization * MathF.Pow(Math.Max(observed, 1), RegularizationExponent);

    /// <summary>Full sweeps (user step + item step).</summary>
    public int Iterations { get; init; } = 15;

    /// <summary>CG steps per row per half-step, warm-started from the previous iterate.</summary>
    public int CgSteps { get; init; } = 3;

    /// <summary>Seed of the initial factors; the same seed gives bit-identical models.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Initial factors are uniform in [0, InitScale).</summary>
    public float InitScale { get; init; } = 0.01f;

    /// <summary>Cores to use; -1 = all.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    /// <summary>c = 1 + α·strength (strength ≥ 0, e.g. 1 for a view, a rating-derived weight, …).</summary>
    public float Confidence(float strength) => 1f + Alpha * strength;
}
