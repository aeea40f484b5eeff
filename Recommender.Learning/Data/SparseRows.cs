namespace Recommender.Learning;

/// <summary>
/// Compressed sparse rows: row r's entries are [Offsets[r], Offsets[r+1]) in
/// <see cref="Columns"/>, <see cref="Confidence"/> and <see cref="Preference"/>, columns ascending.
/// Used twice by <see cref="InteractionMatrix"/>: user-major (CSR) and item-major (the transpose).
/// </summary>
public sealed class SparseRows
{
    public SparseRows(int rowCount, int columnCount, int[] offsets, int[] columns, float[] confidence, float[] preference)
    {
        if (offsets.Length != rowCount + 1) throw new ArgumentException("offsets must have rowCount+1 entries", nameof(offsets));
        int nnz = offsets[rowCount];
        if (columns.Length != nnz || confidence.Length != nnz || preference.Length != nnz)
            throw new ArgumentException("columns, confidence and preference must have Offsets[rowCount] entries");
        RowCount = rowCount;
        ColumnCount = columnCount;
        Offsets = offsets;
        Columns = columns;
        Confidence = confidence;
        Preference = preference;
    }

    public int RowCount { get; }
    public int ColumnCount { get; }
    public int[] Offsets { get; }
    public int[] Columns { get; }
    public float[] Confidence { get; }
    public float[] Preference { get; }
    public int NonZeros => Offsets[RowCount];

    public int RowLength(int row) => Offsets[row + 1] - Offsets[row];
    public ReadOnlySpan<int> RowColumns(int row) => Columns.AsSpan(Offsets[row], RowLength(row));
    public ReadOnlySpan<float> RowConfidence(int row) => Confidence.AsSpan(Offsets[row], RowLength(row));
    public ReadOnlySpan<float> RowPreference(int row) => Preference.AsSpan(Offsets[row], RowLength(row));

    /// <summary>The transpose (columns become rows), by a counting sort: O(nnz), columns stay ascending.</summary>
    public SparseRows Transpose()
    {
        var offsets = new int[ColumnCount + 1];
        foreach (int c in Columns) offsets[c + 1]++;
        for (int c = 0; c < ColumnCount; c++) offsets[c + 1] += offsets[c];
        var next = (int[])offsets.Clone();
        var cols = new int[NonZeros];
        var conf = new float[NonZeros];
        var pref = new float[NonZeros];
        for (int r = 0; r < RowCount; r++)
        {
            for (int e = Offsets[r]; e < Offsets[r + 1]; e++)
            {
                int dst = next[Columns[e]]++;
                cols[dst] = r;
                conf[dst] = Confidence[e];
                pref[dst] = Preference[e];
            }
        }
        return new SparseRows(ColumnCount, RowCount, offsets, cols, conf, pref);
    }
}
