namespace Recommender.Learning;

/// <summary>Where content similarity reads items' tokens (sorted, distinct ids) and each token's items.</summary>
public interface ITokenSource
{
    /// <summary>How many items carry at least one token (N of the IDF).</summary>
    int Described { get; }

    ReadOnlySpan<int> Of(int item);

    ReadOnlySpan<int> ItemsWith(int token);
}

/// <summary>
/// Content similarity over tokens (an item's categories, its property values, numbers bucketed):
///   w_t = ln(1 + N / df_t)                                   (IDF: a token every item has says little)
///   sim(a, b) = Σ_{t ∈ a ∩ b} w_t / Σ_{t ∈ a ∪ b} w_t          (weighted Jaccard, in [0, 1])
/// and the cold-start vector of an item nobody has touched: the similarity-weighted mean of the
/// vectors of its most similar items that have one,
///   y₀ = Σ_{j ∈ N(i)} sim(i, j)·y_j / Σ_{j ∈ N(i)} sim(i, j),   N(i) the top-n by sim (n = 50).
/// Measured on ML-100K (ContentNeighboursTests.Cold_vectors_beat_zero_on_MovieLens: 168 items held
/// out of an ALS training, tokens = genres and release decade): per-item AUC of x_u·y₀ over users
/// 0.826 (zero vector 0.500, mean of all vectors 0.790, genre centroids 0.811; n = 5: 0.803, 20: 0.823,
/// 100: 0.825), recall@10 among the held-out items 0.265 (arbitrary order 0.156; it keeps rising with
/// n, 0.301 at 400, as the mean drifts to the popular items of the genre — n = 50 is where AUC peaks).
/// </summary>
public static class ContentNeighbours
{
    /// <summary>How many neighbours a cold vector averages.</summary>
    public const int DefaultNeighbours = 50;

    /// <summary>w_t = ln(1 + N / df_t); 0 for a token no item carries.</summary>
    public static float Weight(ITokenSource source, int token)
    {
        var df = source.ItemsWith(token).Length;
        return df == 0 ? 0f : MathF.Log(1f + (float)Math.Max(source.Described, df) / df);
    }

    /// <summary>Σ_t w_t over the tokens.</summary>
    public static float Mass(ITokenSource source, ReadOnlySpan<int> tokens)
    {
        var mass = 0f;
        foreach (var t in tokens) mass += Weight(source, t);
        return mass;
    }

    /// <summary>Weighted Jaccard of two sorted token lists: Σ_{a ∩ b} w / Σ_{a ∪ b} w.</summary>
    public static float Similarity(ITokenSource source, ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        float shared = 0f, union = 0f;
        int i = 0, j = 0;
        while (i < a.Length || j < b.Length)
        {
            if (j == b.Length || (i < a.Length && a[i] < b[j])) union += Weight(source, a[i++]);
            else if (i == a.Length || b[j] < a[i]) union += Weight(source, b[j++]);
            else
            {
                var w = Weight(source, a[i]);
                shared += w;
                union += w;
                i++;
                j++;
            }
        }
        return union > 0f ? shared / union : 0f;
    }

    /// <summary>
    /// The <paramref name="n"/> items most similar to <paramref name="tokens"/> among those
    /// <paramref name="candidate"/> accepts (best first, ties to the lower index). Only items sharing a
    /// token are visited: the intersections are summed along the tokens' postings, the unions are
    /// mass(a) + mass(b) − intersection. O(Σ postings of the query's tokens).
    /// </summary>
    public static ScoredItem[] Nearest(ITokenSource source, ReadOnlySpan<int> tokens, Func<int, bool> candidate, int n = DefaultNeighbours)
    {
        if (tokens.IsEmpty || n <= 0) return [];
        var shared = new Dictionary<int, float>();
        foreach (var t in tokens)
        {
            var w = Weight(source, t);
            foreach (var item in source.ItemsWith(t))
                if (candidate(item)) shared[item] = shared.GetValueOrDefault(item) + w;
        }
        var mass = Mass(source, tokens);
        var scored = new List<ScoredItem>(shared.Count);
        foreach (var (item, intersection) in shared)
        {
            var union = mass + Mass(source, source.Of(item)) - intersection;
            if (union > 0f && intersection > 0f) scored.Add(new ScoredItem(item, intersection / union));
        }
        scored.Sort((a, b) => a.RanksBefore(b) ? -1 : b.RanksBefore(a) ? 1 : 0);
        return scored.Count > n ? [.. scored.GetRange(0, n)] : [.. scored];
    }

    /// <summary>
    /// result = Σ_j s_j·y_j / Σ_j s_j over the neighbours (vectors row-major, k per item); returns
    /// false (result cleared) when there is none.
    /// </summary>
    public static bool Average(ReadOnlySpan<ScoredItem> neighbours, ReadOnlySpan<float> vectors, int k, Span<float> result)
    {
        result.Clear();
        var total = 0f;
        foreach (var (item, similarity) in neighbours)
        {
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(vectors.Slice(item * k, k), similarity, result, result);
            total += similarity;
        }
        if (total <= 0f) return false;
        System.Numerics.Tensors.TensorPrimitives.Multiply(result, 1f / total, result);
        return true;
    }

    /// <summary>
    /// How well an item's tokens match a user's token profile (profile[t] = the signed share of the
    /// user's evidence on items carrying t): Σ_{t ∈ item} w_t·profile_t / Σ_{t ∈ item} w_t — the
    /// IDF-weighted mean of the profile over the item's tokens, so a rare shared token (a brand, a tag)
    /// counts more than a category half the catalogue has.
    /// </summary>
    public static float Affinity(ITokenSource source, IReadOnlyDictionary<int, float> profile, ReadOnlySpan<int> tokens)
    {
        float score = 0f, mass = 0f;
        foreach (var t in tokens)
        {
            var w = Weight(source, t);
            mass += w;
            score += w * profile.GetValueOrDefault(t);
        }
        return mass > 0f ? score / mass : 0f;
    }
}
