namespace Recommender.Grains.Learning;

/// <summary>Candidate rating → observation-strength maps measured on ML-100K (see docs in OfflineEvaluation).</summary>
public static class RatingWeights
{
    /// <summary>Every rating counts the same: c = 1 + α (the plain HKV setting).</summary>
    public static float Binary(int rating) => 1f;

    /// <summary>Strength proportional to the rating: r/5.</summary>
    public static float Linear(int rating) => rating / 5f;

    /// <summary>The map chosen by tuning (see the report); starts as <see cref="Binary"/>.</summary>
    public static float Tuned(int rating) => 1f;
}
