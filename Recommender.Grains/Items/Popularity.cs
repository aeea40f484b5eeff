namespace Recommender.Grains.Items;

/// <summary>
/// Exponentially decayed popularity kept in the log domain so it never under- or overflows:
/// P(t) = Σ_e w_e · 2^(−(t − t_e)/H). Every item decays by the same factor between two instants,
/// so items compare by L = ln Σ_e w_e · 2^((t_e − T₀)/H) alone, with T₀ a fixed epoch; an event
/// adds ln w + (t_e − T₀)·ln2/H with a log-sum-exp.
/// </summary>
public static class Popularity
{
    private static readonly long Epoch = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    public static double Add(double popularityLog, float weight, long timestampMs, TimeSpan halfLife)
    {
        if (weight <= 0) return popularityLog;
        var term = Math.Log(weight) + (timestampMs - Epoch) / halfLife.TotalMilliseconds * Math.Log(2);
        if (double.IsNegativeInfinity(popularityLog)) return term;
        var max = Math.Max(popularityLog, term);
        return max + Math.Log(Math.Exp(popularityLog - max) + Math.Exp(term - max));
    }

    /// <summary>Removes an earlier <see cref="Add"/>: ln(eᴸ − eᵗ) = L + ln(1 − e^(t − L)), floored at "nothing left".</summary>
    public static double Subtract(double popularityLog, float weight, long timestampMs, TimeSpan halfLife)
    {
        if (weight <= 0 || double.IsNegativeInfinity(popularityLog)) return popularityLog;
        var term = Math.Log(weight) + (timestampMs - Epoch) / halfLife.TotalMilliseconds * Math.Log(2);
        var rest = 1 - Math.Exp(term - popularityLog);
        return rest <= 1e-9 ? double.NegativeInfinity : popularityLog + Math.Log(rest);
    }

    /// <summary>The decayed weight at <paramref name="nowMs"/> (may be 0 for very old activity).</summary>
    public static double At(double popularityLog, long nowMs, TimeSpan halfLife) =>
        double.IsNegativeInfinity(popularityLog)
            ? 0
            : Math.Exp(popularityLog - (nowMs - Epoch) / halfLife.TotalMilliseconds * Math.Log(2));
}
