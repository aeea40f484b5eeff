namespace Recommender.Learning;

/// <summary>
/// How much each source counts in the served score. Each source's scores are divided by a scale —
/// the median, over the validated users, of the source's best score among the items a user can be
/// shown (<see cref="Scales"/>) — so that the weights are comparable whatever each model's units,
/// while a user for whom a source has nothing good left still gets low scores from it:
///   score_i = w_als·als_i/σ_als + w_ii·ii_i/σ_ii + w_content·content_i/σ_content + w_pop·pop_i/σ_pop
/// (without scales, σ is the user's own best score: the weak best of an exhausted source would
/// then count as much as a strong one — measured on the demo's taste bots, whose collaborative
/// scores were all low once a category was used up). Chosen on validation; all zero but one is a
/// single model.
/// </summary>
public readonly record struct BlendWeights(float Als, float ItemItem, float Content, float Popularity, SourceScales Scales = default)
{
    public static readonly BlendWeights AlsOnly = new(1f, 0f, 0f, 0f);

    public bool IsAlsOnly => ItemItem == 0f && Content == 0f && Popularity == 0f;

    /// <summary>The same weights with <paramref name="scales"/>.</summary>
    public BlendWeights WithScales(SourceScales scales) => this with { Scales = scales };

    public override string ToString()
    {
        var parts = new List<string>();
        if (Als > 0) parts.Add($"ALS {Als:0.##}");
        if (ItemItem > 0) parts.Add($"item-item {ItemItem:0.##}");
        if (Content > 0) parts.Add($"content {Content:0.##}");
        if (Popularity > 0) parts.Add($"popularity {Popularity:0.##}");
        return parts.Count == 0 ? "nothing" : string.Join(" + ", parts);
    }
}

/// <summary>The divisors σ of <see cref="BlendWeights"/> (0 = the user's own best score).</summary>
public readonly record struct SourceScales(float Als, float ItemItem, float Content, float Popularity);
