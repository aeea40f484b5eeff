namespace Recommender.Learning;

/// <summary>
/// The content part of the hybrid: a user's signed weight per category, from the evidence on the
/// items of that category (each cell's ±s shared among the item's categories), and an item's score
/// as the mean of the user's weights over its categories:
///   w_c = Σ_{cells (u, j), c ∈ cats(j)} ±s_uj / |cats(j)|,      score_i = Σ_{c ∈ cats(i)} w_c / |cats(i)|
/// It reaches items nobody interacted with yet and follows a user's taste across a category at once;
/// the self-tuning decides how much it counts (on catalogues without categories, nothing).
/// </summary>
public static class CategoryProfile
{
    /// <summary>Adds one cell's evidence to the profile.</summary>
    public static void Add(Span<float> profile, ReadOnlySpan<int> itemCategories, float signedStrength)
    {
        if (itemCategories.Length == 0) return;
        var share = signedStrength / itemCategories.Length;
        foreach (var c in itemCategories) profile[c] += share;
    }

    /// <summary>The profile of one user row of <paramref name="data"/> under <paramref name="curve"/>.</summary>
    public static void Of(Feedback data, int user, EvidenceCurve curve, Span<float> profile)
    {
        profile.Clear();
        if (data.Categories is not { } categories) return;
        var items = data.RowItems(user);
        var tallies = data.RowTallies(user);
        var scale = curve.RelativeAmounts ? EvidenceCurve.AmountScale(tallies) : 1f;
        for (var j = 0; j < items.Length; j++)
        {
            var s = curve.Strength(tallies[j], scale);
            Add(profile, categories.Of(items[j]), tallies[j].Negative ? -s : s);
        }
    }

    /// <summary>dest[i] = mean of the profile over item i's categories (0 for an item without any).</summary>
    public static void Score(int[] offsets, int[] ids, ReadOnlySpan<float> profile, Span<float> dest)
    {
        for (var i = 0; i < dest.Length; i++)
        {
            int start = offsets[i], end = offsets[i + 1];
            if (start == end) { dest[i] = 0f; continue; }
            var s = 0f;
            for (var e = start; e < end; e++) s += profile[ids[e]];
            dest[i] = s / (end - start);
        }
    }
}
