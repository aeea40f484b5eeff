namespace Recommender.Grains.Domain;

/// <summary>
/// How much each kind of event says about a user's taste: the confidence c added to the
/// (user, item) cell of the implicit-feedback matrix, and whether it is positive (p = 1) or
/// negative (p = 0) evidence. Bound from configuration section <c>Recommender:Evidence</c>.
/// </summary>
public sealed class EvidenceOptions
{
    public float View { get; set; } = 1f;
    public float Click { get; set; } = 2f;
    public float Like { get; set; } = 4f;
    /// <summary>Dislikes are negative evidence (p = 0) with raised confidence, not ignored.</summary>
    public float Dislike { get; set; } = 6f;
    public float Share { get; set; } = 5f;
    public float Purchase { get; set; } = 8f;
    /// <summary>Confidence of a rating r is <c>RatingBase + RatingPerStar · r</c>.</summary>
    public float RatingBase { get; set; } = 1f;
    public float RatingPerStar { get; set; } = 1f;
    /// <summary>Ratings at or below this are treated as negative evidence; 0 keeps every rating positive (the user did watch it).</summary>
    public float NegativeRatingAtOrBelow { get; set; }

    public Evidence Of(EventType type, float value) => type switch
    {
        EventType.View => new(View, true),
        EventType.Click => new(Click, true),
        EventType.Like => new(Like, true),
        EventType.Dislike => new(Dislike, false),
        EventType.Share => new(Share, true),
        EventType.Purchase => new(Purchase, true),
        EventType.Rating => new(RatingBase + RatingPerStar * value, value > NegativeRatingAtOrBelow),
        _ => new(0f, true),
    };
}

/// <summary>Confidence and sign of one event's evidence.</summary>
public readonly record struct Evidence(float Confidence, bool Positive);
