using Recommender.Grains.Items;

namespace Recommender.Grains.Ranking;

/// <summary>
/// Says why an item was recommended: "because you liked X" names the user's strongest positive
/// item sharing a category with it, worded by what the user did with it (<see cref="Because"/>);
/// otherwise "popular in Y".
/// </summary>
public sealed class Explainer
{
    private readonly Dictionary<string, (string Reason, float Confidence)> _strongestByCategory = new(StringComparer.OrdinalIgnoreCase);

    public Explainer(UserTaste taste, ItemIndex index)
    {
        foreach (var (itemId, affinity) in taste.Items)
        {
            if (affinity.Negative || !index.TryGet(itemId, out var record)) continue;
            foreach (var category in record.Categories)
            {
                if (!_strongestByCategory.TryGetValue(category, out var best) || affinity.Strength > best.Confidence)
                    _strongestByCategory[category] = (Because.Of(affinity, record.Title), affinity.Strength);
            }
        }
    }

    public string Why(ItemRecord record)
    {
        (string Reason, float Confidence)? best = null;
        foreach (var category in record.Categories)
        {
            if (_strongestByCategory.TryGetValue(category, out var candidate) && (best is null || candidate.Confidence > best.Value.Confidence))
                best = candidate;
        }
        return best is { } b ? b.Reason
            : record.Categories.Length > 0 ? $"popular in {record.Categories[0]}"
            : "popular";
    }
}
