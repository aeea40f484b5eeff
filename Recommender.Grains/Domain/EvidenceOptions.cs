namespace Recommender.Grains.Domain;

/// <summary>
/// How much each kind of event says about a user's taste: its strength s, summed per
/// (user, item) cell and turned into the implicit-feedback confidence c = 1 + α·s (Hu, Koren,
/// Volinsky 2008), and its sign: positive (p = 1) or negative (p = 0) evidence. Bound from
/// configuration section <c>Recommender:Evidence</c>.
/// </summary>
public sealed class EvidenceOptions
{
    public float View { get; set; } = 0.25f;
    public float Click { get; set; } = 0.5f;
    public float Like { get; set; } = 1f;
    /// <summary>Dislikes are negative evidence (p = 0) with full strength, not ignored.</summary>
    public float Dislike { get; set; } = 1f;
    public float Share { get; set; } = 1f;
    public float Purchase { get; set; } = 1.5f;
    public float Rating { get; set; } = 1f;
    /// <summary>A rating r counts (r/5)^RatingExponent where the self-tuning does not choose it.</summary>
    public float RatingExponent { get; set; } = 0.5f;
    /// <summary>An event's value on a non-rating event (a play count, a quantity) multiplies its strength by (1 + ln value)^AmountExponent.</summary>
    public float AmountExponent { get; set; } = 1f;
    /// <summary>Amounts count relative to the user's median amount (ln(1 + value / median)).</summary>
    public bool RelativeAmounts { get; set; }
    /// <summary>τ: the kind weights are raised to it (0 = every kind of positive evidence counts the same).</summary>
    public float Sharpness { get; set; } = 1f;
    /// <summary>
    /// Ratings at or below this are negative evidence. 0 (default) keeps every rating a weak
    /// positive: the user chose to watch the item, which on ML-100K predicts what they watch next.
    /// </summary>
    public float NegativeRatingAtOrBelow { get; set; }

    /// <summary>
    /// One event's strength and sign, for the per-category taste and the items' decayed popularity
    /// (the model's cells use the whole <see cref="Learning.EvidenceTally"/> under the curve the
    /// training chose).
    /// </summary>
    public Evidence Of(EventType type, float value) => type switch
    {
        EventType.View => new(View, true),
        EventType.Click => new(Click, true),
        EventType.Like => new(Like, true),
        EventType.Dislike => new(Dislike, false),
        EventType.Share => new(Share, true),
        EventType.Purchase => new(Purchase, true),
        EventType.Rating => new(Rating * MathF.Pow(Math.Clamp(value, 1f, 5f) / 5f, RatingExponent), value > NegativeRatingAtOrBelow),
        _ => new(0f, true),
    };

    /// <summary>The configured curve (the training's starting point; the self-tuning may change its exponents).</summary>
    public Learning.EvidenceCurve ToCurve() => new()
    {
        View = View, Click = Click, Like = Like, Dislike = Dislike, Share = Share, Purchase = Purchase, Rating = Rating,
        RatingExponent = RatingExponent, AmountExponent = AmountExponent, RelativeAmounts = RelativeAmounts,
        Sharpness = Sharpness, NegativeRatingAtOrBelow = NegativeRatingAtOrBelow,
    };
}

/// <summary>Strength and sign of one event's evidence.</summary>
public readonly record struct Evidence(float Strength, bool Positive);
