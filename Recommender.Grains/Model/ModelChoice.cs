namespace Recommender.Grains.Model;

/// <summary>
/// What a training chose to serve and why: the settings, the validation NDCG@10 of every candidate
/// the self-tuning scored, and the sentence that explains the choice. Shown by
/// <c>GET /api/v1/model</c> and the simulator.
/// </summary>
[GenerateSerializer, Alias("reco.ModelChoice")]
public sealed record ModelChoice
{
    /// <summary>The served blend, e.g. "ALS 0.8 + item-item 0.2".</summary>
    [Id(0)] public string Serving { get; init; } = "";
    [Id(1)] public string Als { get; init; } = "";
    [Id(2)] public string ItemItem { get; init; } = "";
    [Id(3)] public string Evidence { get; init; } = "";
    [Id(4)] public string Reason { get; init; } = "";
    /// <summary>Validation NDCG@10 of the served blend (null when nothing was searched).</summary>
    [Id(5)] public double? ValidationNdcg { get; init; }
    [Id(6)] public int ValidationUsers { get; init; }
    [Id(7)] public long TuningMs { get; init; }
    [Id(8)] public bool Searched { get; init; }
    [Id(9)] public CandidateFigure[] Candidates { get; init; } = [];
    /// <summary>The blend weights: ALS, item-item, content, popularity.</summary>
    [Id(10)] public float[] Weights { get; init; } = [];
}

/// <summary>One candidate the self-tuning scored.</summary>
[GenerateSerializer, Alias("reco.CandidateFigure")]
public sealed record CandidateFigure(
    [property: Id(0)] string Family,
    [property: Id(1)] string Settings,
    [property: Id(2)] double Ndcg,
    [property: Id(3)] double Seconds);
