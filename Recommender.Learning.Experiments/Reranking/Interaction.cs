namespace Recommender.Learning.Experiments.Reranking;

/// <summary>One observed (user, item) event as the reranker's statistics see it: 0-based indices, a value
/// (a rating, or 1 for an implicit event) and a timestamp in seconds.</summary>
public readonly record struct Interaction(int User, int Item, float Value, long Timestamp);

/// <summary>A candidate of one user: the item, its embedding score x_u·y_i, and whether it came from the
/// popular list rather than the embedding scan.</summary>
public readonly record struct Candidate(int Item, float Score, bool FromPopular);
