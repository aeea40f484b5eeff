namespace Recommender.Learning;

/// <summary>Where a content profile reads an item's category ids.</summary>
public interface ICategorySource
{
    ReadOnlySpan<int> Of(int item);
}

/// <summary>
/// The content part of the hybrid: a user's signed weight per category and an item's score as the
/// mean of the user's weights over its categories. A cell's strength s is shared among its item's
/// categories in proportion to what the rest of the user's evidence already says about them
/// ("explaining away", a few expectation steps of a category mixture):
///   w⁰_c = Σ_{cells j ∋ c} ±s_j / |cats(j)|
///   wᵗ⁺¹_c = Σ_{cells j ∋ c} ±s_j · r_jc,   r_jc = (max(wᵗ_c, 0) + ε) / Σ_{c' ∈ cats(j)} (max(wᵗ_c', 0) + ε)
///   then saturated, w_c ← sign(w_c)·(1 − e^(−|w_c|/τ)) with τ in units of one average event
///   (strengths are normalised to a mean of 1; τ is chosen on validation), and
///   score_i = Σ_{c ∈ cats(i)} w_c / |cats(i)|
/// Without pass 2, a user who likes ten Horror/Drama and Horror/Animation items "likes" Drama and
/// Animation as much as a second taste it showed on its own (measured on the demo's taste bots:
/// the profile then ranked Drama above the Mystery items a bot had viewed four times).
/// It reaches items nobody interacted with yet and follows a user across a category at once; the
/// self-tuning decides how much it counts (on catalogues without categories, nothing).
/// </summary>
public static class CategoryProfile
{
    private const float Epsilon = 0.05f;
    private const int Rounds = 4;

    /// <summary>Fills <paramref name="profile"/> (one weight per category id) from the user's cells: items and their signed strengths.</summary>
    /// <param name="saturation">τ of the saturation below; 0 = shares of the user's total instead.</param>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void Build(Span<float> profile, ICategorySource categories, ReadOnlySpan<int> items, ReadOnlySpan<float> signedStrengths, float saturation)
    {
        profile.Clear();
        Span<float> first = profile.Length <= 256 ? stackalloc float[profile.Length] : new float[profile.Length];
        first.Clear();
        for (var j = 0; j < items.Length; j++)
        {
            var ids = categories.Of(items[j]);
            if (ids.Length == 0) continue;
            var share = signedStrengths[j] / ids.Length;
            foreach (var c in ids) first[c] += share;
        }
        // A few expectation steps of a mixture of categories: each positive cell's strength goes to its
        // item's categories in proportion to their current weight (plus ε, so an unseen category keeps a
        // little), so a category that explains many cells absorbs the credit of the cells it shares.
        Span<float> current = profile.Length <= 256 ? stackalloc float[profile.Length] : new float[profile.Length];
        for (var round = 0; round < Rounds; round++)
        {
            current.Clear();
            for (var j = 0; j < items.Length; j++)
            {
                var ids = categories.Of(items[j]);
                if (ids.Length == 0) continue;
                var s = signedStrengths[j];
                if (s < 0f || ids.Length == 1)
                {
                    // Negative evidence (and single-category items) stay evenly shared.
                    foreach (var c in ids) current[c] += s / ids.Length;
                    continue;
                }
                var total = 0f;
                foreach (var c in ids) total += Math.Max(first[c], 0f) + Epsilon;
                foreach (var c in ids) current[c] += s * (Math.Max(first[c], 0f) + Epsilon) / total;
            }
            current.CopyTo(first);
        }
        first.CopyTo(profile);
        // Saturate: w_c ← sign(w_c)·(1 − e^(−|w_c|/τ)), τ the strength of one average event (strengths
        // are normalised to a mean of 1): a category shown a few times is "in the taste" almost as much
        // as one shown twenty times, which is what tells a second taste from noise once the first runs out.
        if (saturation > 0f)
            for (var c = 0; c < profile.Length; c++)
                profile[c] = MathF.CopySign(1f - MathF.Exp(-MathF.Abs(profile[c]) / saturation), profile[c]);
        else
        {
            var mass = 0f;
            foreach (var w in profile) mass += Math.Abs(w);
            if (mass > 0f) for (var c = 0; c < profile.Length; c++) profile[c] /= mass;
        }
    }


    /// <summary>The profile of one user row of <paramref name="data"/> under <paramref name="curve"/>.</summary>
    public static void Of(Feedback data, int user, EvidenceCurve curve, float saturation, Span<float> profile)
    {
        profile.Clear();
        if (data.Categories is not { } categories) return;
        var items = data.RowItems(user);
        var tallies = data.RowTallies(user);
        var scale = curve.RelativeAmounts ? EvidenceCurve.AmountScale(tallies) : 1f;
        var signed = new float[items.Length];
        for (var j = 0; j < items.Length; j++)
        {
            var s = curve.Strength(tallies[j], scale);
            signed[j] = tallies[j].Negative ? -s : s;
        }
        Build(profile, categories, items, signed, saturation);
    }

    /// <summary>dest[i] = mean of the profile over item i's categories (0 for an item without any).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void Score(ICategorySource categories, ReadOnlySpan<float> profile, Span<float> dest)
    {
        for (var i = 0; i < dest.Length; i++)
        {
            var ids = categories.Of(i);
            if (ids.Length == 0) { dest[i] = 0f; continue; }
            var s = 0f;
            foreach (var c in ids) s += c < profile.Length ? profile[c] : 0f;
            dest[i] = s / ids.Length;
        }
    }
}
