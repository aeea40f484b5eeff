namespace Recommender.Client.MovieLens;

/// <summary>One movie of a MovieLens catalog, with its genres (the "unknown" genre already dropped).</summary>
public sealed record MovieLensMovie(int MovieId, string Title, IReadOnlyList<string> Genres);

/// <summary>One rating line. <paramref name="Rating"/> is 1–5 (ml-100k) or 0.5–5 in half stars (ml-latest).</summary>
public sealed record MovieLensRating(int UserId, int MovieId, double Rating, long UnixSeconds);

/// <summary>The two layouts the importer understands.</summary>
public enum MovieLensFormat
{
    /// <summary>u.data / u.item / u.genre (ml-100k).</summary>
    Ml100K,

    /// <summary>ratings.csv / movies.csv (ml-latest, ml-latest-small, ml-25m, ...).</summary>
    MlLatest,
}
