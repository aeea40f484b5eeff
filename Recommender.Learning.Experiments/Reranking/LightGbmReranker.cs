using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;

namespace Recommender.Learning.Experiments.Reranking;

/// <summary>
/// Trains ML.NET's LightGBM LambdaRank (group = user, label = relevance) on <see cref="RerankGroup"/>s and
/// compiles the trained ensemble into a <see cref="RerankerModel"/>, so scoring needs no ML.NET pipeline.
/// </summary>
public static class LightGbmReranker
{
    public static RerankerModel Train(IReadOnlyList<RerankGroup> groups, int featureCount, RerankOptions options)
        => Fit(groups, featureCount, options).Model;

    /// <summary>Largest |compiled − ML.NET| score over <paramref name="groups"/> (a check of the compilation).</summary>
    internal static double CompiledScoreError(IReadOnlyList<RerankGroup> groups, int featureCount, RerankOptions options)
    {
        var (model, ml, transformer) = Fit(groups, featureCount, options);
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, featureCount);
        var scored = transformer.Transform(ml.Data.LoadFromEnumerable(Rows(groups, featureCount), schema));
        var mlScores = scored.GetColumn<float>("Score").ToArray();
        double max = 0;
        int r = 0;
        foreach (var g in groups)
            for (int j = 0; j < g.Labels.Length; j++, r++)
                max = Math.Max(max, Math.Abs(model.Score(g.Features.AsSpan(j * featureCount, featureCount)) - mlScores[r]));
        return max;
    }

    private static (RerankerModel Model, MLContext Ml, ITransformer Transformer) Fit(IReadOnlyList<RerankGroup> groups, int featureCount, RerankOptions options)
    {
        var ml = new MLContext(seed: options.Seed);
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, featureCount);
        var data = ml.Data.LoadFromEnumerable(Rows(groups, featureCount), schema);
        var trainer = ml.Ranking.Trainers.LightGbm(new LightGbmRankingTrainer.Options
        {
            LabelColumnName = nameof(Row.Label),
            FeatureColumnName = nameof(Row.Features),
            RowGroupColumnName = "Group",
            NumberOfIterations = options.Trees,
            NumberOfLeaves = options.Leaves,
            MinimumExampleCountPerLeaf = options.MinimumExamplesPerLeaf,
            LearningRate = options.LearningRate,
            Booster = new GradientBooster.Options { L2Regularization = options.L2Regularization, FeatureFraction = options.FeatureFraction },
            Seed = options.Seed,
            Deterministic = true,
            NumberOfThreads = options.Threads,
            Silent = true,
        });
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Group", nameof(Row.User)).Append(trainer);
        var fitted = pipeline.Fit(data);
        return (RerankerModel.From(fitted.LastTransformer.Model, featureCount), ml, fitted);
    }

    private static IEnumerable<Row> Rows(IReadOnlyList<RerankGroup> groups, int featureCount)
    {
        foreach (var g in groups)
            for (int r = 0; r < g.Labels.Length; r++)
                yield return new Row { User = (uint)g.User, Label = g.Labels[r], Features = g.Features.AsSpan(r * featureCount, featureCount).ToArray() };
    }

    private sealed class Row
    {
        public uint User { get; set; }
        public float Label { get; set; }
        public float[] Features { get; set; } = [];
    }
}
