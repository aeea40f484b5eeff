namespace Recommender.Learning;

/// <summary>
/// The one recency rule of the online user step: an interaction's extra confidence (c − 1) is
/// multiplied by 2^(−Δ/h) for Δ later interactions of the same user (h the half-life, 0 = off), and
/// an extra that fell below <see cref="Negligible"/> counts as 0 — its (c − 1)·y yᵀ term is
/// 10⁻³·y yᵀ next to λ ≥ 1 on the diagonal, and c = 1 lets the CG steps skip the item. Used by the
/// service's user grains and by <see cref="OnlineAls"/> (the experiments), so both weigh alike.
/// </summary>
public sealed class RecencyWeights
{
    public const float Negligible = 1e-3f;
    private readonly float[] _weights;

    public RecencyWeights(float halfLife)
    {
        HalfLife = halfLife;
        // Beyond 40 half-lives the weight is below 10⁻¹² of the extra: zero.
        _weights = halfLife > 0f ? new float[(int)Math.Ceiling(40 * halfLife) + 1] : [];
        for (var i = 0; i < _weights.Length; i++) _weights[i] = MathF.Pow(2f, -i / halfLife);
    }

    public float HalfLife { get; }

    /// <summary>2^(−later/h): the weight of a cell whose latest interaction was <paramref name="later"/> interactions ago (1 when off).</summary>
    public float Weight(long later) => HalfLife <= 0f ? 1f : later < _weights.Length ? _weights[Math.Max(0, later)] : 0f;

    /// <summary>c for a cell of extra confidence α·s whose latest interaction was <paramref name="later"/> interactions ago.</summary>
    public float Confidence(float extra, long later)
    {
        if (HalfLife > 0f) extra *= later < _weights.Length ? _weights[Math.Max(0, later)] : 0f;
        return extra < Negligible ? 1f : 1f + extra;
    }

    private static RecencyWeights? _shared;

    /// <summary>A process-wide table for a half-life (tabulated once: a pow per item and fit was 2 % of a batch ingest).</summary>
    public static RecencyWeights For(float halfLife)
    {
        var table = _shared;
        if (table is null || table.HalfLife != halfLife) _shared = table = new RecencyWeights(halfLife);
        return table;
    }
}
