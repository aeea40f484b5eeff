namespace Recommender.Learning;

/// <summary>The four top-K numbers of one ranked list against one user's relevant set.</summary>
public readonly record struct RankingScores(double Ndcg, double Precision, double Recall, double HitRate);
