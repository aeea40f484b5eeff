using System.Numerics.Tensors;

namespace Recommender.Learning;

/// <summary>Most-popular ranking and the log-popularity prior used as an additive score bias.</summary>
public static class Popularity
{
    private static readonly float[] One = [1f];

    /// <summary>The <paramref name="count"/> items with the highest popularity, skipping excluded ones; ties → lower index.</summary>
    public static ScoredItem[] Top(ReadOnlySpan<float> popularity, int count, ReadOnlySpan<ulong> excludeBits = default)
        => TopK.Search(popularity, 1, One, count, excludeBits: excludeBits);

    /// <summary>bias_i = β·ln(1 + pop_i): the "dot + β·log-popularity" re-scoring as a per-item additive term.</summary>
    public static float[] LogBias(ReadOnlySpan<float> popularity, float beta)
    {
        var bias = new float[popularity.Length];
        LogBias(popularity, beta, bias);
        return bias;
    }

    public static void LogBias(ReadOnlySpan<float> popularity, float beta, Span<float> bias)
    {
        TensorPrimitives.LogP1(popularity, bias); // ln(1 + pop)
        TensorPrimitives.Multiply(bias, beta, bias);
    }
}
