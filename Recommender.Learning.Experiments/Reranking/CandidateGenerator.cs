namespace Recommender.Learning.Experiments.Reranking;

/// <summary>
/// The reranker's candidates for one user: the best <see cref="RerankOptions.EmbeddingCandidates"/> items
/// of the embedding scan plus the <see cref="RerankOptions.PopularCandidates"/> most popular items not
/// already among them, all unseen, sorted by descending embedding score (ties → lower index).
/// </summary>
public static class CandidateGenerator
{
    public static Candidate[] For(RerankContext context, int user, ReadOnlySpan<ulong> seen, RerankOptions options)
    {
        var model = context.Model;
        var userVector = model.UserVector(user);
        var scan = TopK.Search(model.ItemFactors, model.Factors, userVector, options.EmbeddingCandidates, excludeBits: seen, parallel: false);
        var exclude = seen.ToArray();
        foreach (var s in scan) BitSet.Set(exclude, s.Index);
        var popular = options.PopularCandidates == 0 ? []
            : TopK.Search(context.Popularity, 1, [1f], options.PopularCandidates, excludeBits: exclude, parallel: false);

        var all = new ScoredItem[scan.Length + popular.Length];
        scan.CopyTo(all, 0);
        for (int j = 0; j < popular.Length; j++) all[scan.Length + j] = new ScoredItem(popular[j].Index, model.Score(user, popular[j].Index));
        var fromPopular = BitSet.Create(model.Items);
        foreach (var p in popular) BitSet.Set(fromPopular, p.Index);
        Array.Sort(all, static (a, b) => a.RanksBefore(b) ? -1 : b.RanksBefore(a) ? 1 : 0);

        var result = new Candidate[all.Length];
        for (int j = 0; j < all.Length; j++) result[j] = new Candidate(all[j].Index, all[j].Score, BitSet.Contains(fromPopular, all[j].Index));
        return result;
    }
}
