namespace Recommender.Learning;

/// <summary>Everything a configuration learned from the data, in the data's item order.</summary>
public sealed class FittedModel
{
    public required ModelSettings Settings { get; init; }
    public required AlsModel Als { get; init; }
    public ItemNeighbours? ItemItem { get; init; }
    /// <summary>ln(1 + users with positive evidence) / ln(1 + the most), per item: the popularity source in [0, 1].</summary>
    public required float[] Popularity { get; init; }

    /// <summary>Fits <paramref name="settings"/> on <paramref name="data"/>: ALS always (the online steps and similar items use it), the item-item model when the blend uses it.</summary>
    public static FittedModel Fit(Feedback data, ModelSettings settings, int seed = 42, CancellationToken cancellationToken = default)
    {
        var matrix = data.ToMatrix(settings.Evidence, settings.Als.Alpha);
        var als = ImplicitAls.Train(matrix, settings.Als.ToOptions(seed), cancellationToken);
        var itemItem = settings.Blend.ItemItem > 0f ? ItemItemModels.Train(data.Positives(), settings.ItemItem) : null;
        return new FittedModel { Settings = settings, Als = als, ItemItem = itemItem, Popularity = PopularityScores(data) };
    }

    /// <summary>The sources of this model's blend over <paramref name="data"/> (for <see cref="ValidationSet.Blends"/>).</summary>
    public FittedSources Sources(Feedback data) =>
        new(Als, ItemItem, data.Categories is { Any: true } categories ? categories : null, Settings.Evidence, Popularity, Settings.ContentSaturation);

    public static float[] PopularityScores(Feedback data)
    {
        var counts = data.PositiveCounts();
        var max = counts.Length == 0 ? 0f : counts.Max();
        var scale = max > 0f ? 1f / MathF.Log(1f + max) : 0f;
        for (var i = 0; i < counts.Length; i++) counts[i] = MathF.Log(1f + counts[i]) * scale;
        return counts;
    }
}

/// <summary>Trains the item-item model a setting names.</summary>
public static class ItemItemModels
{
    public static ItemNeighbours? Train(SparseRows positives, ItemItemSettings settings) => settings.Kind switch
    {
        ItemItemKind.Ease => Ease.Train(positives, settings.Ease!),
        ItemItemKind.Rp3Beta => Rp3Beta.Train(positives, settings.Rp3Beta!),
        ItemItemKind.ItemKnn => ItemKnn.Train(positives, settings.ItemKnn!),
        _ => null,
    };
}
