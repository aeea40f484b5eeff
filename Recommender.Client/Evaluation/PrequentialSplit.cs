using Recommender.Client.MovieLens;

namespace Recommender.Client.Evaluation;

/// <summary>
/// The streaming protocol's data: the rating-5 events in time order (stable for equal timestamps),
/// cut into the first 20% (batch-trained), the next 10% (warm-up, sent one by one) and the last 70%
/// (test-then-learn).
/// </summary>
public sealed record PrequentialSplit(
    IReadOnlyList<MovieLensRating> Train,
    IReadOnlyList<MovieLensRating> WarmUp,
    IReadOnlyList<MovieLensRating> Test)
{
    public static PrequentialSplit Create(IEnumerable<MovieLensRating> ratings, double trainShare = 0.2, double warmUpShare = 0.1)
    {
        var stream = ratings.Where(r => r.Rating >= 5).OrderBy(r => r.UnixSeconds).ToList(); // OrderBy is stable
        var trainEnd = (int)(stream.Count * trainShare);
        var warmEnd = (int)(stream.Count * (trainShare + warmUpShare));
        return new PrequentialSplit(stream[..trainEnd], stream[trainEnd..warmEnd], stream[warmEnd..]);
    }
}
