using Recommender.Grains.Rules;
using Recommender.Grains.Users;
using Recommender.Learning;

namespace Recommender.Grains.Ranking;

/// <summary>
/// The stored boosts (<c>/api/v1/boosts</c>) that apply to one list, compiled to bitsets over this
/// silo's slots. A list with no enabled boost (the common case) pays one array-length check.
/// </summary>
public sealed class Boosts(RuleStore rules, ItemFilters filters, TimeProvider time)
{
    /// <summary>The enabled boosts whose filter can be evaluated now, in name order; null when none applies or the query turned rules off.</summary>
    public BoostSet? For(UserTaste taste, RecommendQuery query, int count)
    {
        if (!query.ApplyRules) return null;
        var stored = rules.BoostsByName;
        if (stored.Length == 0) return null;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        List<BoostSet.Compiled>? active = null;
        foreach (var boost in stored)
        {
            if (!boost.Enabled || filters.Matching(boost.Filter, boost.FilterName, count, taste, now) is not { } bits) continue;
            (active ??= []).Add(new BoostSet.Compiled(bits, boost.Multiply, boost.Add));
        }
        return active is null ? null : new BoostSet([.. active]);
    }
}

/// <summary>
/// Applies boosts to scores before the top-K is chosen. Per matching boost, in name order:
/// <c>s' = (s ≥ 0 ? s·m : s / m) + a·S</c>. Dividing a negative score by m (instead of multiplying it)
/// keeps "m &gt; 1 favours the item" true for every score — multiplying −0.2 by 1.5 would push it
/// down — and the map is strictly increasing in s for any m &gt; 0, so a boost never reorders the
/// items it matches among themselves. S is the scale of the path's scores, so <c>add</c> means the
/// same everywhere: 1 on the normalised paths (the blend, whose parts are each divided by their best
/// servable score; the pre-model category blend; popularity percentiles), and for the ALS-only
/// path, whose raw x·y has no fixed scale, the largest |x·y| among the servable items — there
/// <c>add: 0.1</c> is a tenth of the best item's score.
/// </summary>
public sealed class BoostSet(BoostSet.Compiled[] boosts)
{
    public readonly record struct Compiled(ulong[] Matched, float Multiply, float Add);

    public float Apply(int slot, float score, float scale = 1f)
    {
        foreach (var boost in boosts)
            if ((slot >> 6) < boost.Matched.Length && BitSet.Contains(boost.Matched, slot)) score = Boost(score, boost, scale);
        return score;
    }

    /// <summary>Boosts every matching slot of <paramref name="scores"/> in place (excluded slots are left: the top-K skips them anyway).</summary>
    public void Apply(Span<float> scores, ReadOnlySpan<ulong> excluded, float scale = 1f)
    {
        foreach (var boost in boosts)
        {
            var words = Math.Min(boost.Matched.Length, (scores.Length + 63) >> 6);
            for (var w = 0; w < words; w++)
            {
                var word = boost.Matched[w] & (w < excluded.Length ? ~excluded[w] : ulong.MaxValue);
                while (word != 0)
                {
                    var slot = (w << 6) + System.Numerics.BitOperations.TrailingZeroCount(word);
                    word &= word - 1;
                    if (slot < scores.Length) scores[slot] = Boost(scores[slot], boost, scale);
                }
            }
        }
    }

    /// <summary>
    /// The ALS-only path with boosts: x·y for every slot in float (the int8 scan picks its candidates
    /// before any boost could lift one into them), boosted on the scale of the best |x·y|, then the top.
    /// Costs a dense float scan, ~2.5× the int8 one, and only while a boost is enabled.
    /// </summary>
    public ScoredItem[] AlsTop(ReadOnlySpan<float> vectors, int factors, ReadOnlySpan<float> x, int candidates, ulong[] excluded, int count)
    {
        var buffer = System.Buffers.ArrayPool<float>.Shared.Rent(count);
        try
        {
            var scores = buffer.AsSpan(0, count);
            HybridScorer.Als(vectors[..(count * factors)], factors, x, scores);
            Apply(scores, excluded, ScaleOf(scores, excluded));
            return HybridScorer.Top(scores, candidates, excluded);
        }
        finally
        {
            System.Buffers.ArrayPool<float>.Shared.Return(buffer);
        }
    }

    /// <summary>The scale S of raw scores: the largest |s| among the slots not excluded (1 when there is none).</summary>
    public static float ScaleOf(ReadOnlySpan<float> scores, ReadOnlySpan<ulong> excluded)
    {
        var max = 0f;
        for (var i = 0; i < scores.Length; i++)
        {
            if ((i >> 6) < excluded.Length && (excluded[i >> 6] & (1UL << (i & 63))) != 0) continue;
            var a = MathF.Abs(scores[i]);
            if (a > max) max = a;
        }
        return max > 0f && float.IsFinite(max) ? max : 1f;
    }

    private static float Boost(float s, Compiled boost, float scale) =>
        (s >= 0f ? s * boost.Multiply : s / boost.Multiply) + boost.Add * scale;
}
