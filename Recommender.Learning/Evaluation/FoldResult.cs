namespace Recommender.Learning;

/// <summary>Offline result of one fold: means over that fold's test users.</summary>
public sealed record FoldResult(int Fold, int TestUsers, RankingScores Als, RankingScores MostPop, TimeSpan TrainTime);
