using System.Globalization;
using System.Text;

namespace Recommender.Client.MovieLens;

/// <summary>
/// Reads the CSV layout of ml-latest(-small)/ml-20m/ml-25m: <c>movies.csv</c> (movieId,title,genres with
/// '|' between genres; titles with commas are quoted) and <c>ratings.csv</c> (userId,movieId,rating,timestamp).
/// Both have a header line.
/// </summary>
public static class MlLatestReader
{
    public const string RatingsFile = "ratings.csv";
    public const string MoviesFile = "movies.csv";

    public static IReadOnlyList<MovieLensMovie> ReadMovies(string dir)
    {
        using var reader = new StreamReader(Path.Combine(dir, MoviesFile), Encoding.UTF8);
        return ParseMovies(reader).ToList();
    }

    public static IEnumerable<MovieLensMovie> ParseMovies(TextReader reader)
    {
        var first = true;
        while (reader.ReadLine() is { } line)
        {
            if (first)
            {
                first = false;
                if (line.StartsWith("movieId", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }
            }

            if (line.Length == 0)
            {
                continue;
            }

            var f = CsvLine.Split(line);
            if (f.Count < 3 || !int.TryParse(f[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var id))
            {
                throw new FormatException($"Not a movies.csv line: '{line}'");
            }

            var genres = f[2].Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(g => !Ml100kReader.IsUnknownGenre(g))
                .ToList();
            yield return new MovieLensMovie(id, f[1], genres);
        }
    }

    public static IEnumerable<MovieLensRating> ReadRatings(string dir)
    {
        using var reader = new StreamReader(Path.Combine(dir, RatingsFile), Encoding.UTF8);
        foreach (var rating in ParseRatings(reader))
        {
            yield return rating;
        }
    }

    public static IEnumerable<MovieLensRating> ParseRatings(TextReader reader)
    {
        var first = true;
        while (reader.ReadLine() is { } line)
        {
            if (first)
            {
                first = false;
                if (line.StartsWith("userId", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }
            }

            if (line.Length == 0)
            {
                continue;
            }

            var f = line.Split(',');
            if (f.Length < 4)
            {
                throw new FormatException($"Not a ratings.csv line: '{line}'");
            }

            yield return new MovieLensRating(
                int.Parse(f[0], CultureInfo.InvariantCulture),
                int.Parse(f[1], CultureInfo.InvariantCulture),
                double.Parse(f[2], CultureInfo.InvariantCulture),
                long.Parse(f[3], CultureInfo.InvariantCulture));
        }
    }
}
