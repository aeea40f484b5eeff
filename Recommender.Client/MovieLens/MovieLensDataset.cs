namespace Recommender.Client.MovieLens;

/// <summary>A MovieLens folder on disk, its layout detected from the files present. Nothing is copied.</summary>
public sealed class MovieLensDataset
{
    private MovieLensDataset(string directory, MovieLensFormat format)
    {
        Directory = directory;
        Format = format;
    }

    public string Directory { get; }

    public MovieLensFormat Format { get; }

    public static MovieLensDataset Open(string directory)
    {
        var full = Path.GetFullPath(directory);
        if (File.Exists(Path.Combine(full, Ml100kReader.RatingsFile)) && File.Exists(Path.Combine(full, Ml100kReader.ItemsFile)))
        {
            return new MovieLensDataset(full, MovieLensFormat.Ml100K);
        }

        if (File.Exists(Path.Combine(full, MlLatestReader.RatingsFile)) && File.Exists(Path.Combine(full, MlLatestReader.MoviesFile)))
        {
            return new MovieLensDataset(full, MovieLensFormat.MlLatest);
        }

        throw new FileNotFoundException(
            $"'{full}' is neither ml-100k (u.data + u.item) nor ml-latest (ratings.csv + movies.csv).");
    }

    public IReadOnlyList<MovieLensMovie> ReadMovies() => Format == MovieLensFormat.Ml100K
        ? Ml100kReader.ReadMovies(Directory)
        : MlLatestReader.ReadMovies(Directory);

    /// <summary>Streams the ratings in file order.</summary>
    public IEnumerable<MovieLensRating> ReadRatings() => Format == MovieLensFormat.Ml100K
        ? Ml100kReader.ReadRatings(Directory)
        : MlLatestReader.ReadRatings(Directory);
}
