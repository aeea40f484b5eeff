using System.Globalization;
using System.Text;

namespace Recommender.Learning;

/// <summary>One line of ML-100K's u.data: ids are the file's 1-based ids.</summary>
public readonly record struct MovieLensRating(int User, int Item, int Rating, long Timestamp);

/// <summary>One line of u.item: id, title, release date and the indices of its genres (into <see cref="MovieLensDataset.Genres"/>).</summary>
public sealed record MovieLensMovie(int Id, string Title, string ReleaseDate, int[] GenreIds);

/// <summary>ML-100K as read from its folder. <see cref="Ratings"/> keeps u.data's file order (the folds depend on it).</summary>
public sealed record MovieLensDataset(
    IReadOnlyList<MovieLensRating> Ratings,
    IReadOnlyList<MovieLensMovie> Movies,
    IReadOnlyList<string> Genres,
    int Users,
    int Items);

/// <summary>
/// Reader for the ml-100k folder: u.data (tab-separated user, item, rating, timestamp), u.item
/// (Latin-1, '|'-separated, the last 19 fields are genre flags) and u.genre (name|index).
/// </summary>
public static class MovieLens
{
    public static MovieLensDataset Load(string folder)
    {
        var ratings = ReadRatings(Path.Combine(folder, "u.data"));
        var genres = ReadGenres(Path.Combine(folder, "u.genre"));
        var movies = ReadMovies(Path.Combine(folder, "u.item"), genres.Count);
        int users = 0, items = movies.Count == 0 ? 0 : movies.Max(m => m.Id);
        foreach (var r in ratings) { users = Math.Max(users, r.User); items = Math.Max(items, r.Item); }
        return new MovieLensDataset(ratings, movies, genres, users, items);
    }

    /// <summary>True when <paramref name="folder"/> holds the files <see cref="Load"/> needs.</summary>
    public static bool IsPresent(string? folder) =>
        folder is not null && File.Exists(Path.Combine(folder, "u.data")) && File.Exists(Path.Combine(folder, "u.item"))
        && File.Exists(Path.Combine(folder, "u.genre"));

    public static List<MovieLensRating> ReadRatings(string path)
    {
        var list = new List<MovieLensRating>(100_000);
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0) continue;
            var f = line.Split('\t');
            list.Add(new MovieLensRating(
                int.Parse(f[0], CultureInfo.InvariantCulture), int.Parse(f[1], CultureInfo.InvariantCulture),
                int.Parse(f[2], CultureInfo.InvariantCulture), long.Parse(f[3], CultureInfo.InvariantCulture)));
        }
        return list;
    }

    public static List<string> ReadGenres(string path)
    {
        var names = new SortedDictionary<int, string>();
        foreach (var line in File.ReadLines(path, Encoding.Latin1))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            int bar = line.LastIndexOf('|');
            names[int.Parse(line.AsSpan(bar + 1), CultureInfo.InvariantCulture)] = line[..bar];
        }
        return [.. names.Values];
    }

    public static List<MovieLensMovie> ReadMovies(string path, int genreCount)
    {
        var list = new List<MovieLensMovie>(1700);
        foreach (var line in File.ReadLines(path, Encoding.Latin1))
        {
            if (line.Length == 0) continue;
            var f = line.Split('|');
            var genres = new List<int>();
            int first = f.Length - genreCount;
            for (int g = 0; g < genreCount; g++)
                if (f[first + g] == "1") genres.Add(g);
            list.Add(new MovieLensMovie(int.Parse(f[0], CultureInfo.InvariantCulture), f[1], f[2], [.. genres]));
        }
        return list;
    }
}
