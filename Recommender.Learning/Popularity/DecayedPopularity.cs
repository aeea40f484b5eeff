namespace Recommender.Learning;

/// <summary>
/// Exponentially decayed event counts: every event adds 1, and all counts lose half their weight
/// every <see cref="HalfLife"/> events (or time units — the caller chooses the clock). Implemented
/// with a growing global scale (an event at time t adds 2^(t/H)) so an event costs O(1); counts are
/// renormalised before the scale can overflow.
/// </summary>
public sealed class DecayedPopularity
{
    private readonly double[] _weighted;
    private double _scale = 1; // 2^((now − origin)/H)
    private double _origin;

    public DecayedPopularity(int items, double halfLife)
    {
        if (!(halfLife > 0)) throw new ArgumentOutOfRangeException(nameof(halfLife));
        _weighted = new double[items];
        HalfLife = halfLife;
    }

    public double HalfLife { get; }
    public int Items => _weighted.Length;

    /// <summary>Adds one event on <paramref name="item"/> at time <paramref name="now"/> (non-decreasing).</summary>
    public void Add(int item, double now, double weight = 1)
    {
        _scale = Math.Pow(2, (now - _origin) / HalfLife);
        if (_scale > 1e100)
        {
            for (int i = 0; i < _weighted.Length; i++) _weighted[i] /= _scale;
            _origin = now;
            _scale = 1;
        }
        _weighted[item] += weight * _scale;
    }

    /// <summary>The decayed count of <paramref name="item"/> as of the last event.</summary>
    public double this[int item] => _weighted[item] / _scale;

    /// <summary>Writes β·ln(1 + decayed count) for every item into <paramref name="bias"/>.</summary>
    public void LogBias(float beta, Span<float> bias)
    {
        double inv = 1 / _scale;
        for (int i = 0; i < _weighted.Length; i++) bias[i] = beta * (float)Math.Log(1 + _weighted[i] * inv);
    }
}
