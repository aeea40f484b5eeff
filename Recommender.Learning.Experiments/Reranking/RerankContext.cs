using System.Numerics.Tensors;

namespace Recommender.Learning.Experiments.Reranking;

/// <summary>
/// Per-item and per-user statistics of one training set plus the ALS it trained, precomputed once so
/// that <see cref="RerankFeatures.Fill"/> is a few lookups and dot products per candidate.
/// </summary>
public sealed class RerankContext
{
    private readonly float[] _normalized;
    private readonly int[][] _itemCategories;
    private readonly float[] _userShares;
    private readonly int[][] _userTop;

    private RerankContext(AlsModel model, int categoryCount, int[][] itemCategories)
    {
        Model = model;
        CategoryCount = categoryCount;
        _itemCategories = itemCategories;
        _normalized = new float[model.ItemFactors.Length];
        ItemNorms = new float[model.Items];
        LogPopularity = new float[model.Items];
        LogDecayedPopularity = new float[model.Items];
        ItemAgeDays = new float[model.Items];
        ItemMean = new float[model.Items];
        UserLogActivity = new float[model.Users];
        UserMean = new float[model.Users];
        _userShares = new float[model.Users * categoryCount];
        _userTop = new int[model.Users][];
    }

    public AlsModel Model { get; }
    public int CategoryCount { get; }
    /// <summary>Raw train counts per item (what the popular candidates are ranked by).</summary>
    public float[] Popularity { get; private set; } = [];
    public float[] ItemNorms { get; }
    public float[] LogPopularity { get; }
    public float[] LogDecayedPopularity { get; }
    public float[] ItemAgeDays { get; }
    public float[] ItemMean { get; }
    public float[] UserLogActivity { get; }
    public float[] UserMean { get; }

    public ReadOnlySpan<float> NormalizedItem(int item) => _normalized.AsSpan(item * Model.Factors, Model.Factors);
    public ReadOnlySpan<int> ItemCategories(int item) => item < _itemCategories.Length ? _itemCategories[item] : [];
    public ReadOnlySpan<float> UserCategoryShares(int user) => _userShares.AsSpan(user * CategoryCount, CategoryCount);
    public ReadOnlySpan<int> UserTopItems(int user) => _userTop[user] ?? [];

    /// <param name="model">The ALS trained on <paramref name="interactions"/>.</param>
    /// <param name="interactions">The training events (any order; 0-based ids within the model's shape).</param>
    /// <param name="itemCategories">Category ids of each item (index = item); may be shorter than the item count.</param>
    public static RerankContext Build(AlsModel model, IReadOnlyList<Interaction> interactions, int[][] itemCategories, int categoryCount,
        RerankOptions options)
    {
        var ctx = new RerankContext(model, categoryCount, itemCategories);
        int k = model.Factors, items = model.Items, users = model.Users;
        for (int i = 0; i < items; i++)
        {
            var y = model.ItemVector(i);
            float norm = TensorPrimitives.Norm(y);
            ctx.ItemNorms[i] = norm;
            if (norm > 0) TensorPrimitives.Divide(y, norm, ctx._normalized.AsSpan(i * k, k));
        }

        double scale = interactions.Count == 0 ? 1 : options.ReferenceEvents / interactions.Count;
        var count = new float[items];
        var itemSum = new double[items];
        var first = new long[items];
        Array.Fill(first, long.MaxValue);
        var userCount = new int[users];
        var userSum = new double[users];
        long last = long.MinValue;
        double total = 0;
        foreach (var e in interactions)
        {
            count[e.Item]++;
            itemSum[e.Item] += e.Value;
            first[e.Item] = Math.Min(first[e.Item], e.Timestamp);
            userCount[e.User]++;
            userSum[e.User] += e.Value;
            last = Math.Max(last, e.Timestamp);
            total += e.Value;
            foreach (int g in ctx.ItemCategories(e.Item)) ctx._userShares[e.User * categoryCount + g]++;
        }
        ctx.Popularity = count;
        double globalMean = interactions.Count == 0 ? 0 : total / interactions.Count;

        // Decayed counts as of the last event, on a clock in days.
        var decayed = new DecayedPopularity(items, options.PopularityHalfLifeDays);
        foreach (var e in interactions.OrderBy(e => e.Timestamp).ThenBy(e => e.Item))
            decayed.Add(e.Item, e.Timestamp / 86400.0);

        for (int i = 0; i < items; i++)
        {
            ctx.LogPopularity[i] = (float)Math.Log(1 + count[i] * scale);
            ctx.LogDecayedPopularity[i] = (float)Math.Log(1 + decayed[i] * scale);
            ctx.ItemAgeDays[i] = count[i] == 0 ? 0 : (float)((last - first[i]) / 86400.0);
            ctx.ItemMean[i] = (float)((itemSum[i] + options.MeanShrinkage * globalMean) / (count[i] + options.MeanShrinkage));
        }
        for (int u = 0; u < users; u++)
        {
            ctx.UserLogActivity[u] = (float)Math.Log(1 + userCount[u] * scale);
            ctx.UserMean[u] = userCount[u] == 0 ? (float)globalMean : (float)(userSum[u] / userCount[u]);
            if (userCount[u] > 0) TensorPrimitives.Divide(ctx.UserCategoryShares(u), userCount[u], ctx._userShares.AsSpan(u * categoryCount, categoryCount));
        }

        // Each user's top items: highest value first, then the most recent.
        foreach (var g in interactions.GroupBy(e => e.User))
            ctx._userTop[g.Key] = [.. g.OrderByDescending(e => e.Value).ThenByDescending(e => e.Timestamp).ThenBy(e => e.Item)
                .Take(options.TopItemsForCosine).Select(e => e.Item)];
        return ctx;
    }
}
