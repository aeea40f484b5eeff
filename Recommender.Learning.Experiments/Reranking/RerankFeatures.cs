using System.Numerics.Tensors;

namespace Recommender.Learning.Experiments.Reranking;

/// <summary>
/// The reranker's feature vector of one (user, candidate) pair. Everything is computed from the
/// training interactions the ALS saw (never from what is being predicted) and from the ALS itself:
/// <list type="bullet">
/// <item>embedding: score x_u·y_i, its rank among the user's candidates, its gap to the user's best
/// candidate, |y_i|, and the max / mean cosine of y_i to the user's top items;</item>
/// <item>item: log count, log decayed count, age (days since its first event), shrunk mean value;</item>
/// <item>user: log activity, mean value, share of the user's events in the item's categories (mean, max);</item>
/// <item>the item's category flags and whether the candidate came from the popular list.</item>
/// </list>
/// Counts are rescaled to a reference number of events so that a model trained on a subset of the
/// history (the reranker's own training split) sees the same scale as one scored on all of it.
/// </summary>
public static class RerankFeatures
{
    public const int AlsScore = 0, AlsRank = 1, AlsGap = 2, ItemNorm = 3, CosineMax = 4, CosineMean = 5,
        LogPopularity = 6, LogDecayedPopularity = 7, ItemAgeDays = 8, ItemMean = 9,
        UserLogActivity = 10, UserMean = 11, CategoryAffinityMean = 12, CategoryAffinityMax = 13, FromPopular = 14,
        FirstCategory = 15;

    /// <summary>Length of a feature vector for <paramref name="categoryCount"/> categories.</summary>
    public static int Count(int categoryCount) => FirstCategory + categoryCount;

    /// <summary>
    /// Writes one row of <see cref="Count"/> features per candidate into <paramref name="features"/>
    /// (row-major). <paramref name="candidates"/> must be sorted by descending <see cref="Candidate.Score"/>
    /// (what <see cref="CandidateGenerator"/> returns).
    /// </summary>
    public static void Fill(RerankContext context, int user, ReadOnlySpan<Candidate> candidates, Span<float> features)
    {
        int f = Count(context.CategoryCount);
        if (features.Length < candidates.Length * f) throw new ArgumentException("features too short", nameof(features));
        features[..(candidates.Length * f)].Clear();
        if (candidates.Length == 0) return;
        float best = candidates[0].Score;
        var top = context.UserTopItems(user);
        var shares = context.UserCategoryShares(user);
        for (int c = 0; c < candidates.Length; c++)
        {
            var row = features.Slice(c * f, f);
            int i = candidates[c].Item;
            row[AlsScore] = candidates[c].Score;
            row[AlsRank] = c;
            row[AlsGap] = best - candidates[c].Score;
            row[ItemNorm] = context.ItemNorms[i];
            var yi = context.NormalizedItem(i);
            float max = -1, sum = 0;
            foreach (int j in top)
            {
                float cos = TensorPrimitives.Dot(yi, context.NormalizedItem(j));
                sum += cos;
                if (cos > max) max = cos;
            }
            row[CosineMax] = top.Length == 0 ? 0 : max;
            row[CosineMean] = top.Length == 0 ? 0 : sum / top.Length;
            row[LogPopularity] = context.LogPopularity[i];
            row[LogDecayedPopularity] = context.LogDecayedPopularity[i];
            row[ItemAgeDays] = context.ItemAgeDays[i];
            row[ItemMean] = context.ItemMean[i];
            row[UserLogActivity] = context.UserLogActivity[user];
            row[UserMean] = context.UserMean[user];
            var categories = context.ItemCategories(i);
            float shareSum = 0, shareMax = 0;
            foreach (int g in categories)
            {
                shareSum += shares[g];
                shareMax = Math.Max(shareMax, shares[g]);
                row[FirstCategory + g] = 1;
            }
            row[CategoryAffinityMean] = categories.Length == 0 ? 0 : shareSum / categories.Length;
            row[CategoryAffinityMax] = shareMax;
            row[FromPopular] = candidates[c].FromPopular ? 1 : 0;
        }
    }
}
