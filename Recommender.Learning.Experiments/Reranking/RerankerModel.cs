using Microsoft.ML.Trainers.LightGbm;

namespace Recommender.Learning.Experiments.Reranking;

/// <summary>
/// A trained tree ensemble in flat arrays: score(x) = bias + Σ_t w_t · leaf_t(x), where each tree walks
/// from node 0, going left when x[feature] ≤ threshold (ML.NET's convention); a negative child c is
/// leaf ~c. Scores one candidate in a few microseconds without ML.NET, and round-trips through bytes.
/// </summary>
public sealed class RerankerModel
{
    private const int FormatVersion = 1;
    private readonly Tree[] _trees;

    private RerankerModel(int featureCount, double bias, Tree[] trees)
    {
        FeatureCount = featureCount;
        Bias = bias;
        _trees = trees;
    }

    public int FeatureCount { get; }
    public double Bias { get; }
    public int TreeCount => _trees.Length;

    internal static RerankerModel From(LightGbmRankingModelParameters parameters, int featureCount)
    {
        var ensemble = parameters.TrainedTreeEnsemble;
        var trees = new Tree[ensemble.Trees.Count];
        for (int t = 0; t < trees.Length; t++)
        {
            var tree = ensemble.Trees[t];
            for (int n = 0; n < tree.NumberOfNodes; n++)
                if (tree.CategoricalSplitFlags[n]) throw new NotSupportedException("categorical splits are not compiled");
            trees[t] = new Tree(ensemble.TreeWeights[t], [.. tree.LeftChild], [.. tree.RightChild],
                [.. tree.NumericalSplitFeatureIndexes], [.. tree.NumericalSplitThresholds], [.. tree.LeafValues]);
        }
        return new RerankerModel(featureCount, ensemble.Bias, trees);
    }

    /// <summary>The ranking score of one feature vector (higher = earlier).</summary>
    public float Score(ReadOnlySpan<float> features)
    {
        if (features.Length < FeatureCount) throw new ArgumentException("too few features", nameof(features));
        double s = Bias;
        foreach (var tree in _trees) s += tree.Weight * tree.Leaf(features);
        return (float)s;
    }

    /// <summary>Scores row-major <paramref name="features"/> (one row of <see cref="FeatureCount"/> per candidate).</summary>
    public void Score(ReadOnlySpan<float> features, Span<float> scores)
    {
        for (int r = 0; r < scores.Length; r++) scores[r] = Score(features.Slice(r * FeatureCount, FeatureCount));
    }

    public byte[] ToBytes()
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream))
        {
            w.Write(FormatVersion);
            w.Write(FeatureCount);
            w.Write(Bias);
            w.Write(_trees.Length);
            foreach (var t in _trees)
            {
                w.Write(t.Weight);
                w.Write(t.Left.Length);
                for (int n = 0; n < t.Left.Length; n++) { w.Write(t.Left[n]); w.Write(t.Right[n]); w.Write(t.Feature[n]); w.Write(t.Threshold[n]); }
                w.Write(t.Leaves.Length);
                foreach (double v in t.Leaves) w.Write(v);
            }
        }
        return stream.ToArray();
    }

    public static RerankerModel FromBytes(ReadOnlySpan<byte> bytes)
    {
        using var r = new BinaryReader(new MemoryStream(bytes.ToArray()));
        if (r.ReadInt32() != FormatVersion) throw new InvalidDataException("unknown reranker model format");
        int featureCount = r.ReadInt32();
        double bias = r.ReadDouble();
        var trees = new Tree[r.ReadInt32()];
        for (int t = 0; t < trees.Length; t++)
        {
            double weight = r.ReadDouble();
            int nodes = r.ReadInt32();
            var left = new int[nodes]; var right = new int[nodes]; var feature = new int[nodes]; var threshold = new float[nodes];
            for (int n = 0; n < nodes; n++) { left[n] = r.ReadInt32(); right[n] = r.ReadInt32(); feature[n] = r.ReadInt32(); threshold[n] = r.ReadSingle(); }
            var leaves = new double[r.ReadInt32()];
            for (int l = 0; l < leaves.Length; l++) leaves[l] = r.ReadDouble();
            trees[t] = new Tree(weight, left, right, feature, threshold, leaves);
        }
        return new RerankerModel(featureCount, bias, trees);
    }

    private sealed record Tree(double Weight, int[] Left, int[] Right, int[] Feature, float[] Threshold, double[] Leaves)
    {
        public double Leaf(ReadOnlySpan<float> x)
        {
            if (Left.Length == 0) return Leaves[0];
            int node = 0;
            while (node >= 0) node = x[Feature[node]] <= Threshold[node] ? Left[node] : Right[node];
            return Leaves[~node];
        }
    }
}
