namespace Recommender.Learning;

/// <summary>
/// The users × items interaction matrix of implicit ALS, held twice: user-major (CSR, for the
/// user step) and item-major (its transpose, for the item step). Each stored entry is an observed
/// cell with a confidence c ≥ 1 and a preference p ∈ [0, 1]; every cell not stored means c = 1, p = 0.
/// Build it with <see cref="InteractionMatrixBuilder"/>.
/// </summary>
public sealed class InteractionMatrix
{
    public InteractionMatrix(SparseRows byUser)
    {
        ByUser = byUser;
        ByItem = byUser.Transpose();
    }

    public int Users => ByUser.RowCount;
    public int Items => ByUser.ColumnCount;
    public int NonZeros => ByUser.NonZeros;

    /// <summary>CSR: row u lists the items of user u.</summary>
    public SparseRows ByUser { get; }

    /// <summary>CSC of the same matrix, stored as rows: row i lists the users of item i.</summary>
    public SparseRows ByItem { get; }
}
