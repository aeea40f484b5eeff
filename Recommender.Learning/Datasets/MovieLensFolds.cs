namespace Recommender.Learning;

/// <summary>
/// The official ML-100K five-fold splits, rebuilt the way GroupLens' mku.sh makes them:
/// uK.test = lines (K−1)·20000+1 … K·20000 of u.data in file order, uK.base = all other lines.
/// (mku.sh also sorts each file by user, item; the order does not matter to the evaluation.)
/// </summary>
public static class MovieLensFolds
{
    public const int FoldCount = 5;

    /// <param name="ratings">u.data in file order.</param>
    /// <param name="fold">1…5.</param>
    public static (MovieLensRating[] Train, MovieLensRating[] Test) Split(IReadOnlyList<MovieLensRating> ratings, int fold)
    {
        if (fold is < 1 or > FoldCount) throw new ArgumentOutOfRangeException(nameof(fold), "fold must be 1..5");
        int size = ratings.Count / FoldCount; // 20 000 on ML-100K
        int start = (fold - 1) * size, end = fold == FoldCount ? ratings.Count : fold * size;
        var train = new MovieLensRating[ratings.Count - (end - start)];
        var test = new MovieLensRating[end - start];
        int t = 0;
        for (int i = 0; i < ratings.Count; i++)
        {
            if (i >= start && i < end) test[i - start] = ratings[i];
            else train[t++] = ratings[i];
        }
        return (train, test);
    }
}
