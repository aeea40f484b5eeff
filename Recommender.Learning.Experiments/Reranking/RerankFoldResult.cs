namespace Recommender.Learning.Experiments.Reranking;

/// <summary>
/// One fold of <see cref="RerankEvaluation"/>: the embedding score alone and the reranked list, scored on
/// the same users against the same ALS; costs of the reranker's training and of one user's request
/// (Score*: candidates + features + trees + sort; Rerank*: features + trees + sort only).
/// </summary>
public sealed record RerankFoldResult(
    int Fold, int TestUsers, RankingScores Als, RankingScores Reranked,
    int TrainingGroups, int TrainingRows, TimeSpan RerankerTrainTime,
    double ScoreP50Microseconds, double ScoreP99Microseconds, double RerankP50Microseconds, double RerankP99Microseconds, double CandidatesPerUser);

/// <summary>Per-fold results and their unweighted means over folds.</summary>
public sealed record RerankEvaluationResult(IReadOnlyList<RerankFoldResult> Folds)
{
    public RankingScores MeanAls => Mean(f => f.Als);
    public RankingScores MeanReranked => Mean(f => f.Reranked);

    private RankingScores Mean(Func<RerankFoldResult, RankingScores> pick)
    {
        var acc = new RankingAccumulator();
        foreach (var f in Folds) acc.Add(pick(f));
        return acc.Mean;
    }
}
