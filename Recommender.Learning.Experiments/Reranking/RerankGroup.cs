namespace Recommender.Learning.Experiments.Reranking;

/// <summary>One user's training list: row-major features (one row per candidate) and a relevance label per row.</summary>
public sealed record RerankGroup(int User, float[] Features, float[] Labels);
