namespace Recommender.Learning;

/// <summary>The ALS part of a configuration; <paramref name="Nu"/> is ν of the row-size-scaled λ·n^ν.</summary>
public sealed record AlsSettings(int Factors = 64, float Lambda = 30f, float Alpha = 3f, int Iterations = 15, int CgSteps = 3, float Nu = 0f)
{
    public ImplicitAlsOptions ToOptions(int seed) => new()
    {
        Factors = Factors, Regularization = Lambda, Alpha = Alpha, Iterations = Iterations, CgSteps = CgSteps, Seed = seed,
        RegularizationExponent = Nu,
    };

    /// <summary>λ for a row with <paramref name="observed"/> entries (λ·n^ν).</summary>
    public float RowLambda(int observed) => Nu == 0f ? Lambda : Lambda * MathF.Pow(Math.Max(observed, 1), Nu);

    public override string ToString() => $"k {Factors}, λ {Lambda:0.###}{(Nu == 0f ? "" : $"·n^{Nu:0.##}")}, α {Alpha:0.###}, {Iterations} sweeps";
}

/// <summary>Which item-item model, with its settings.</summary>
public enum ItemItemKind { None, Ease, Rp3Beta, ItemKnn }

public sealed record ItemItemSettings(ItemItemKind Kind, Ease.Settings? Ease = null, Rp3Beta.Settings? Rp3Beta = null, ItemKnn.Settings? ItemKnn = null)
{
    public static readonly ItemItemSettings None = new(ItemItemKind.None);

    public override string ToString() => Kind switch
    {
        ItemItemKind.Ease => $"EASE λ {Ease!.Lambda:0.#}, {Ease.Neighbours} neighbours, ≤ {Ease.MaxItems} items",
        ItemItemKind.Rp3Beta => $"RP3β α {Rp3Beta!.Alpha:0.##}, β {Rp3Beta.Beta:0.##}, {Rp3Beta.Neighbours} neighbours",
        ItemItemKind.ItemKnn => $"item-kNN {ItemKnn!.Neighbours} neighbours, shrink {ItemKnn.Shrink:0.#}",
        _ => "none",
    };
}

/// <summary>A whole configuration: what the self-tuning chooses and what a training fits.</summary>
public sealed record ModelSettings
{
    public EvidenceCurve Evidence { get; init; } = new();
    public AlsSettings Als { get; init; } = new();
    public ItemItemSettings ItemItem { get; init; } = ItemItemSettings.None;
    public BlendWeights Blend { get; init; } = BlendWeights.AlsOnly;
    /// <summary>τ of the content profile's saturation (<see cref="CategoryProfile"/>).</summary>
    public float ContentSaturation { get; init; } = 1f;
}
