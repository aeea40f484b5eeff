namespace Recommender.Learning;

/// <summary>
/// How much each source counts in the served score. Each source's scores are divided by their
/// largest value over the items a user can be shown (so the weights are comparable whatever each
/// model's scale), then summed with these weights:
///   score_i = w_als·als_i/max(als) + w_ii·ii_i/max(ii) + w_content·content_i/max(content) + w_pop·pop_i
/// Chosen on validation by the self-tuning; all zero but one is a single model.
/// </summary>
public readonly record struct BlendWeights(float Als, float ItemItem, float Content, float Popularity)
{
    public static readonly BlendWeights AlsOnly = new(1f, 0f, 0f, 0f);

    public bool IsAlsOnly => ItemItem == 0f && Content == 0f && Popularity == 0f;

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
