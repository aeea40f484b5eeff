namespace Recommender.Learning;

/// <summary>Per-fold results and their unweighted means over folds.</summary>
public sealed record OfflineEvaluationResult(IReadOnlyList<FoldResult> Folds)
{
    public RankingScores MeanAls => Mean(f => f.Als);
    public RankingScores MeanMostPop => Mean(f => f.MostPop);

    private RankingScores Mean(Func<FoldResult, RankingScores> pick)
    {
        var acc = new RankingAccumulator();
        foreach (var f in Folds) acc.Add(pick(f));
        return acc.Mean;
    }
}
