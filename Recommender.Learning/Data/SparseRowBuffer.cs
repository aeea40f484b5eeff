namespace Recommender.Learning;

/// <summary>
/// A growable sparse row (columns, confidences, preferences) for online learning. Adding to an
/// existing column merges like <see cref="InteractionMatrixBuilder"/>: confidences add, preference
/// becomes the confidence-weighted mean.
/// </summary>
public sealed class SparseRowBuffer
{
    private int[] _columns = new int[4];
    private float[] _confidence = new float[4];
    private float[] _preference = new float[4];

    public int Count { get; private set; }
    public ReadOnlySpan<int> Columns => _columns.AsSpan(0, Count);
    public ReadOnlySpan<float> Confidence => _confidence.AsSpan(0, Count);
    public ReadOnlySpan<float> Preference => _preference.AsSpan(0, Count);

    public void Add(int column, float confidence, float preference)
    {
        int at = Array.IndexOf(_columns, column, 0, Count);
        if (at >= 0)
        {
            float c = _confidence[at] + confidence;
            _preference[at] = (_confidence[at] * _preference[at] + confidence * preference) / c;
            _confidence[at] = c;
            return;
        }
        if (Count == _columns.Length)
        {
            Array.Resize(ref _columns, Count * 2);
            Array.Resize(ref _confidence, Count * 2);
            Array.Resize(ref _preference, Count * 2);
        }
        _columns[Count] = column;
        _confidence[Count] = confidence;
        _preference[Count] = preference;
        Count++;
    }
}
