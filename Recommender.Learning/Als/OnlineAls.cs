namespace Recommender.Learning;

/// <summary>
/// A trained <see cref="AlsModel"/> kept learning one event at a time, as the service does between
/// retrains. Per event (u, i, c, p):
///   1. user step  — x_u ← FoldIn(x_u; Y, YᵀY, I(u)): the exact ALS user step, CG warm-started;
///                   XᵀX += x_u,new x_u,newᵀ − x_u,old x_u,oldᵀ
///   2. item step  — y_i ← FoldIn(y_i; X, XᵀX, U(i)): the same step with roles swapped, against the
///                   users' CURRENT vectors (including the x_u just refitted);
///                   YᵀY += y_i,new y_i,newᵀ − y_i,old y_i,oldᵀ
/// Keeping XᵀX and YᵀY fresh: each changed row costs a rank-2 update, O(k²) per event instead of
/// O((users + items)·k²) for a recompute. The float round-off of many such updates accumulates, so
/// both Gram matrices are recomputed exactly every <see cref="GramRefreshInterval"/> events
/// (a few ms at ML-100K size). In the distributed service the same rule applies per silo: the item
/// index applies coalesced y changes to YᵀY and recomputes it on every model publication.
/// </summary>
public sealed class OnlineAls
{
    private readonly SparseRowBuffer[] _userRows;
    private readonly SparseRowBuffer[] _itemRows;
    private readonly float[] _userGram;
    private readonly float[] _itemGram;
    private readonly float[] _old;
    private int _sinceRefresh;

    public OnlineAls(AlsModel model, float lambda, int cgSteps)
    {
        Model = model;
        Lambda = lambda;
        CgSteps = cgSteps;
        _userRows = new SparseRowBuffer[model.Users];
        _itemRows = new SparseRowBuffer[model.Items];
        for (int u = 0; u < model.Users; u++) _userRows[u] = new SparseRowBuffer();
        for (int i = 0; i < model.Items; i++) _itemRows[i] = new SparseRowBuffer();
        _userGram = new float[model.Factors * model.Factors];
        _itemGram = new float[model.Factors * model.Factors];
        _old = new float[model.Factors];
        RefreshGrams();
    }

    public AlsModel Model { get; }
    public float Lambda { get; }
    public int CgSteps { get; }
    public bool UserStep { get; init; } = true;
    public bool ItemStep { get; init; } = true;
    public int GramRefreshInterval { get; init; } = 5_000;

    /// <summary>
    /// Half-life, in the user's own events, of the extra confidence (c − 1) in the user step: the most
    /// recent interactions weigh most (sessions drift). 0 = off (the exact ALS user step).
    /// </summary>
    public float UserRecencyHalfLife { get; init; }

    /// <summary>Alternations of user step and item step per event (1 = each once).</summary>
    public int Rounds { get; init; } = 1;

    /// <summary>ν of λ_row = λ·n_row^ν, as in <see cref="ImplicitAlsOptions.RegularizationExponent"/>.</summary>
    public float RegularizationExponent { get; init; }

    private float RowLambda(int observed)
        => RegularizationExponent == 0f ? Lambda : Lambda * MathF.Pow(Math.Max(observed, 1), RegularizationExponent);

    /// <summary>XᵀX, kept current.</summary>
    public ReadOnlySpan<float> UserGram => _userGram;

    /// <summary>YᵀY, kept current.</summary>
    public ReadOnlySpan<float> ItemGram => _itemGram;

    public int UserInteractions(int user) => _userRows[user].Count;
    public int ItemInteractions(int item) => _itemRows[item].Count;

    /// <summary>Records an observation without refitting (the history the model was trained on).</summary>
    public void Observe(int user, int item, float confidence, float preference)
    {
        _userRows[user].Add(item, confidence, preference);
        _itemRows[item].Add(user, confidence, preference);
    }

    /// <summary>Records an observation and refits the user's and the item's vectors.</summary>
    public void Learn(int user, int item, float confidence, float preference)
    {
        Observe(user, item, confidence, preference);
        for (int round = 0; round < Rounds; round++) Refit(user, item);
        if (++_sinceRefresh >= GramRefreshInterval) RefreshGrams();
    }

    /// <summary>One user step then one item step (see the class summary).</summary>
    private void Refit(int user, int item)
    {
        int k = Model.Factors;
        if (UserStep)
        {
            var x = Model.UserVector(user);
            x.CopyTo(_old);
            var row = _userRows[user];
            var conf = row.Confidence;
            float[]? decayed = null;
            if (UserRecencyHalfLife > 0f)
            {
                // The service's rule (RecencyWeights): here every cell is one event, so a cell's row
                // position counts the user's later events.
                var recency = RecencyWeights.For(UserRecencyHalfLife);
                decayed = System.Buffers.ArrayPool<float>.Shared.Rent(row.Count);
                for (int j = 0; j < row.Count; j++) decayed[j] = recency.Confidence(conf[j] - 1f, row.Count - 1 - j);
                conf = decayed.AsSpan(0, row.Count);
            }
            FoldIn.User(x, Model.ItemFactors, k, _itemGram, row.Columns, conf, row.Preference, RowLambda(row.Count), CgSteps);
            if (decayed is not null) System.Buffers.ArrayPool<float>.Shared.Return(decayed);
            Gram.Replace(_userGram, _old, x);
        }
        if (ItemStep)
        {
            var y = Model.ItemVector(item);
            y.CopyTo(_old);
            var row = _itemRows[item];
            FoldIn.Item(y, Model.UserFactors, k, _userGram, row.Columns, row.Confidence, row.Preference, RowLambda(row.Count), CgSteps);
            Gram.Replace(_itemGram, _old, y);
        }
    }

    /// <summary>Exact XᵀX and YᵀY from the current factors.</summary>
    public void RefreshGrams()
    {
        Gram.Compute(Model.UserFactors, Model.Users, Model.Factors, _userGram);
        Gram.Compute(Model.ItemFactors, Model.Items, Model.Factors, _itemGram);
        _sinceRefresh = 0;
    }

    /// <summary>Top items for a user by x_u·y_i + bias_i, skipping the excluded ones.</summary>
    public ScoredItem[] Recommend(int user, int count, ReadOnlySpan<ulong> excludeBits, ReadOnlySpan<float> bias = default)
        => TopK.Search(Model.ItemFactors, Model.Factors, Model.UserVector(user), count, excludeBits: excludeBits, bias: bias);
}
