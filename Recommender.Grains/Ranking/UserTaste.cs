using Recommender.Grains.Users;

namespace Recommender.Grains.Ranking;

/// <summary>The read-only view of a user that ranking needs.</summary>
public sealed record UserTaste(
    IReadOnlyDictionary<string, ItemAffinity> Items,
    IReadOnlyDictionary<string, float> CategoryWeights,
    float[]? Embedding,
    long ModelVersion = 0,
    Recommender.Rules.PropertyBag? Properties = null)
{
    /// <summary>The user's properties, for filters that read <c>user.&lt;name&gt;</c>.</summary>
    public Recommender.Rules.PropertyBag UserProperties => Properties ?? Recommender.Rules.PropertyBag.Empty;

    /// <summary>True once the user gave any positive evidence: from then on results are personal.</summary>
    public bool HasPositiveEvidence { get; } = Items.Values.Any(a => !a.Negative);

    public static readonly UserTaste Empty = new(new Dictionary<string, ItemAffinity>(), new Dictionary<string, float>(), null);
}
