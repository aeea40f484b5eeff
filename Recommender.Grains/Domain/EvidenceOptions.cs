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
    /// <summary>A rating r has strength (r/5)^RatingExponent: √(r/5) measured best on ML-100K (NDCG@10 0.481 vs 0.4755 for binary).</summary>
    public float RatingExponent { get; set; } = 0.5f;
    /// <summary>
    /// Ratings at or below this are negative evidence. 0 (default) keeps every rating a weak
    /// positive: the user chose to watch the item, which on ML-100K predicts what they watch next.
    /// </summary>
    public float NegativeRatingAtOrBelow { get; set; }

    public Evidence Of(EventType type, float value) => type switch
    {
        EventType.View => new(View, true),
        EventType.Click => new(Click, true),
        EventType.Like => new(Like, true),
        EventType.Dislike => new(Dislike, false),
        EventType.Share => new(Share, true),
        EventType.Purchase => new(Purchase, true),
        EventType.Rating => new(MathF.Pow(Math.Clamp(value, 1f, 5f) / 5f, RatingExponent), value > NegativeRatingAtOrBelow),
        _ => new(0f, true),
    };
}

/// <summary>Strength and sign of one event's evidence.</summary>
public readonly record struct Evidence(float Strength, bool Positive);
