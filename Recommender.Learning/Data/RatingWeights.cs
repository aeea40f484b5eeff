namespace Recommender.Learning;

/// <summary>Candidate rating → observation-strength maps measured on ML-100K (see docs in OfflineEvaluation).</summary>
public static class RatingWeights
{
    /// <summary>Every rating counts the same: c = 1 + α (the plain HKV setting).</summary>
    public static float Binary(int rating) => 1f;

    /// <summary>Strength proportional to the rating: r/5.</summary>
    public static float Linear(int rating) => rating / 5f;

    /// <summary>Strength √(r/5): a 1-star rating still says "watched" (strength 0.45), a 5 says more (1).</summary>
    public static float SquareRoot(int rating) => MathF.Sqrt(rating / 5f);

    /// <summary>
    /// The map chosen on ML-100K (mean NDCG@10 over u1–u5, λ = 30, α = 3, k = 64): binary 0.4755,
    /// linear (α = 4) 0.4806, √(r/5) 0.4810–0.4819 over three seeds, (r/5)^1.5 (α = 5) 0.4780.
    /// Low ratings are kept as weak positives: dropping them or making them negative was not tried.
    /// </summary>
    public static float Tuned(int rating) => SquareRoot(rating);
}
