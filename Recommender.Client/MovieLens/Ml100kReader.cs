using System.Globalization;
using System.Text;

namespace Recommender.Client.MovieLens;

/// <summary>
/// Reads MovieLens-100K: <c>u.data</c> (tab-separated user, item, rating, unix seconds),
/// <c>u.item</c> (ISO-8859-1, '|' fields: id|title|release date|video release|IMDb url|19 genre flags)
/// and <c>u.genre</c> (name|index).
/// </summary>
public static class Ml100kReader
{
    public const string RatingsFile = "u.data";
    public const string ItemsFile = "u.item";
    public const string GenresFile = "u.genre";

    /// <summary>The genre names of u.item's flag columns, in order (the standard list when u.genre is absent).</summary>
    public static IReadOnlyList<string> DefaultGenres { get; } =
    [
        "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary", "Drama",
        "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western",
    ];

    public static IReadOnlyList<string> ReadGenres(string dir)
    {
        var path = Path.Combine(dir, GenresFile);
        if (!File.Exists(path))
        {
            return DefaultGenres;
        }

        using var reader = new StreamReader(path, Encoding.Latin1);
        return ParseGenres(reader);
    }

    public static IReadOnlyList<string> ParseGenres(TextReader reader)
    {
        var byIndex = new SortedDictionary<int, string>();
        while (reader.ReadLine() is { } line)
        {
            var bar = line.LastIndexOf('|');
            if (bar <= 0 || !int.TryParse(line.AsSpan(bar + 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var index))
            {
                continue;
            }

            byIndex[index] = line[..bar];
        }

        return byIndex.Values.ToList();
    }

    public static IReadOnlyList<MovieLensMovie> ReadMovies(string dir)
    {
        var genres = ReadGenres(dir);
        using var reader = new StreamReader(Path.Combine(dir, ItemsFile), Encoding.Latin1);
        return ParseMovies(reader, genres).ToList();
    }

    /// <summary>Parses u.item lines; the "unknown" genre is not a category.</summary>
    public static IEnumerable<MovieLensMovie> ParseMovies(TextReader reader, IReadOnlyList<string> genres)
    {
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            var fields = line.Split('|');
            if (fields.Length < 5 || !int.TryParse(fields[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var id))
            {
                throw new FormatException($"Not a u.item line: '{line}'");
            }

            var categories = new List<string>();
            for (var g = 0; g < genres.Count && 5 + g < fields.Length; g++)
            {
                if (fields[5 + g] == "1" && !IsUnknownGenre(genres[g]))
                {
                    categories.Add(genres[g]);
                }
            }

            yield return new MovieLensMovie(id, fields[1], categories);
        }
    }

    public static IEnumerable<MovieLensRating> ReadRatings(string dir)
    {
        using var reader = new StreamReader(Path.Combine(dir, RatingsFile), Encoding.Latin1);
        foreach (var rating in ParseRatings(reader))
        {
            yield return rating;
        }
    }

    /// <summary>Parses u.data lines (tab-separated; any whitespace is accepted), in file order.</summary>
    public static IEnumerable<MovieLensRating> ParseRatings(TextReader reader)
    {
        char[] separators = ['\t', ' '];
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            var f = line.Split(separators, StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 4)
            {
                throw new FormatException($"Not a u.data line: '{line}'");
            }

            yield return new MovieLensRating(
                int.Parse(f[0], CultureInfo.InvariantCulture),
                int.Parse(f[1], CultureInfo.InvariantCulture),
                double.Parse(f[2], CultureInfo.InvariantCulture),
                long.Parse(f[3], CultureInfo.InvariantCulture));
        }
    }

    internal static bool IsUnknownGenre(string genre) =>
        genre.Equals("unknown", StringComparison.OrdinalIgnoreCase)
        || genre.Equals("(no genres listed)", StringComparison.OrdinalIgnoreCase);
}
