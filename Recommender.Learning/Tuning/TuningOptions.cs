namespace Recommender.Learning;

/// <summary>
/// What the self-tuning searches and how far. Every knob can be fixed (a non-null value here):
/// a fixed knob is not searched. With <see cref="Enabled"/> false nothing is searched and the
/// configured settings train as they are.
/// </summary>
public sealed record TuningOptions
{
    public bool Enabled { get; init; } = true;
    public Holdout Holdout { get; init; } = new();
    /// <summary>Cut-off of the validation metric (NDCG@K).</summary>
    public int K { get; init; } = 10;
    /// <summary>Kind weights and any fixed curve knobs; the searched ones are overridden per candidate.</summary>
    public EvidenceCurve Evidence { get; init; } = new();
    public int Seed { get; init; } = 42;

    // Fixed knobs (null = searched).
    public int? Factors { get; init; }
    public float? Lambda { get; init; }
    public float? Alpha { get; init; }
    public float? RatingExponent { get; init; }
    public float? AmountExponent { get; init; }
    public float? Sharpness { get; init; }
    public bool? RelativeAmounts { get; init; }
    /// <summary>ν of λ·n^ν (0 = the same λ for every row).</summary>
    public float? RegularizationExponent { get; init; }
    public ItemItemKind? ItemItem { get; init; }
    public BlendWeights? Blend { get; init; }
    /// <summary>τ of the content profile's saturation (0 = shares).</summary>
    public float? ContentSaturation { get; init; }

    /// <summary>Larger k the ALS search tries after tuning at the configured k (each only if the one before helped).</summary>
    public int[] FactorChoices { get; init; } = [128, 256];
    /// <summary>Sweeps of a training from scratch (the search's and the final one).</summary>
    public int Sweeps { get; init; } = 15;
    /// <summary>
    /// The budget: at most this many ALS fits (a fixed count, not a clock, so two runs search the same).
    /// The whole schedule fits ~55–80 on the datasets measured; the cap bounds it on logs with many
    /// applicable evidence curves.
    /// </summary>
    public int MaxAlsFits { get; init; } = 90;
    /// <summary>How many of the screened evidence curves get the full pattern search over (λ, α).</summary>
    public int DescendCurves { get; init; } = 2;
    /// <summary>Sweeps of a candidate warm-started from a nearby candidate's factors.</summary>
    public int WarmSweeps { get; init; } = 5;
    /// <summary>The dense EASE solve covers at most this many items (n³ multiply-adds: ~6 s at 6,000 on two cores).</summary>
    public int EaseMaxItems { get; init; } = 6000;
    /// <summary>Neighbours kept per item by the item-item models.</summary>
    public int Neighbours { get; init; } = 200;
    /// <summary>Cores to use; -1 = all.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;
    /// <summary>
    /// The settings the previous training chose, if any: the search starts from them (its ALS point,
    /// its evidence curve first, its blend among the candidates), so consecutive retrainings of a log
    /// that grows settle instead of wandering, and converge in fewer steps.
    /// </summary>
    public ModelSettings? Previous { get; init; }

    /// <summary>The configuration that trains when nothing is searched.</summary>
    public ModelSettings Fixed(AlsSettings defaults) => new()
    {
        Evidence = Evidence with
        {
            RatingExponent = RatingExponent ?? Evidence.RatingExponent,
            AmountExponent = AmountExponent ?? Evidence.AmountExponent,
            Sharpness = Sharpness ?? Evidence.Sharpness,
            RelativeAmounts = RelativeAmounts ?? Evidence.RelativeAmounts,
        },
        Als = defaults with
        {
            Factors = Factors ?? defaults.Factors, Lambda = Lambda ?? defaults.Lambda, Alpha = Alpha ?? defaults.Alpha,
        },
        Blend = Blend ?? BlendWeights.AlsOnly,
        ContentSaturation = ContentSaturation ?? 1f,
        ItemItem = ItemItem is null or ItemItemKind.None ? ItemItemSettings.None : DefaultItemItem(ItemItem.Value),
    };

    internal ItemItemSettings DefaultItemItem(ItemItemKind kind) => kind switch
    {
        ItemItemKind.Ease => new(kind, Ease: new Ease.Settings(100f, EaseMaxItems, Neighbours)),
        ItemItemKind.Rp3Beta => new(kind, Rp3Beta: new Rp3Beta.Settings(1f, 0.5f, Neighbours)),
        ItemItemKind.ItemKnn => new(kind, ItemKnn: new ItemKnn.Settings(Neighbours, 10f)),
        _ => ItemItemSettings.None,
    };
}

/// <summary>One configuration the search scored on validation.</summary>
public sealed record CandidateScore(string Family, string Settings, double Ndcg, double Seconds);

/// <summary>What a search chose and why.</summary>
public sealed record TuningResult(
    ModelSettings Winner,
    double WinnerNdcg,
    IReadOnlyList<CandidateScore> Candidates,
    string Reason,
    int ValidationUsers,
    TimeSpan Elapsed);
