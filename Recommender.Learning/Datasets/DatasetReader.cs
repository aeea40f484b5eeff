using System.Globalization;
using System.Text;

namespace Recommender.Learning;

/// <summary>
/// Opens a dataset folder by the files it holds: MovieLens-100K (<c>u.data</c>, <c>u.item</c>),
/// the MovieLens CSV layout (<c>ratings.csv</c>, <c>movies.csv</c>: ml-latest, ml-latest-small,
/// ml-25m), Last.fm hetrec2011 (<c>user_artists.dat</c>, <c>artists.dat</c>), or a generated set
/// named <c>synthetic[:preset]</c> (<see cref="SyntheticData"/>).
/// </summary>
public static class DatasetReader
{
    public static Dataset Open(string path)
    {
        if (path.StartsWith("synthetic", StringComparison.OrdinalIgnoreCase))
            return SyntheticData.Generate(SyntheticData.Preset(path.Contains(':') ? path[(path.IndexOf(':') + 1)..] : "default"));
        var dir = Path.GetFullPath(path);
        if (MovieLens.IsPresent(dir)) return MovieLens100K(dir);
        if (File.Exists(Path.Combine(dir, "ratings.csv")) && File.Exists(Path.Combine(dir, "movies.csv"))) return MovieLensCsv(dir);
        if (File.Exists(Path.Combine(dir, "user_artists.dat")) && File.Exists(Path.Combine(dir, "artists.dat"))) return LastFm(dir);
        throw new FileNotFoundException(
            $"'{dir}' is not a dataset this reads: ml-100k (u.data + u.item + u.genre), MovieLens CSV (ratings.csv + movies.csv) or Last.fm hetrec2011 (user_artists.dat + artists.dat).");
    }

    /// <summary>True when <paramref name="path"/> names something <see cref="Open"/> reads.</summary>
    public static bool IsPresent(string? path)
    {
        if (string.IsNullOrEmpty(path)) return false;
        if (path.StartsWith("synthetic", StringComparison.OrdinalIgnoreCase)) return true;
        return MovieLens.IsPresent(path)
            || (File.Exists(Path.Combine(path, "ratings.csv")) && File.Exists(Path.Combine(path, "movies.csv")))
            || (File.Exists(Path.Combine(path, "user_artists.dat")) && File.Exists(Path.Combine(path, "artists.dat")));
    }

    /// <summary>ML-100K: every rating a <c>rating</c> row, genres as categories, users <c>ml-{id}</c>, items <c>ml-{id}</c>.</summary>
    public static Dataset MovieLens100K(string dir)
    {
        var data = MovieLens.Load(dir);
        var items = new DataItem[data.Items];
        for (var i = 0; i < items.Length; i++) items[i] = new DataItem($"ml-{i + 1}", $"item {i + 1}", []);
        foreach (var m in data.Movies)
            items[m.Id - 1] = new DataItem($"ml-{m.Id}", m.Title, [.. m.GenreIds.Select(g => data.Genres[g]).Where(g => !IsUnknownGenre(g))]);
        var users = Enumerable.Range(1, data.Users).Select(u => $"ml-{u}").ToArray();
        var events = data.Ratings.Select(r => new DataEvent(r.User - 1, r.Item - 1, EvidenceKind.Rating, r.Rating, r.Timestamp)).ToArray();
        return new Dataset("ml-100k", users, items, events, $"MovieLens-100K: {events.Length:N0} ratings 1–5, {users.Length:N0} users, {items.Length:N0} items");
    }

    /// <summary>The MovieLens CSV layout (half-star ratings 0.5–5).</summary>
    public static Dataset MovieLensCsv(string dir)
    {
        var items = new List<DataItem>();
        var itemIndex = new Dictionary<int, int>();
        foreach (var line in File.ReadLines(Path.Combine(dir, "movies.csv"), Encoding.UTF8).Skip(1))
        {
            if (line.Length == 0) continue;
            var f = Csv.Split(line);
            var id = int.Parse(f[0], CultureInfo.InvariantCulture);
            itemIndex[id] = items.Count;
            items.Add(new DataItem($"ml-{id}", f[1], [.. f[2].Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(g => !IsUnknownGenre(g))]));
        }
        var users = new Dictionary<int, int>();
        var events = new List<DataEvent>();
        foreach (var line in File.ReadLines(Path.Combine(dir, "ratings.csv"), Encoding.UTF8).Skip(1))
        {
            if (line.Length == 0) continue;
            var f = line.Split(',');
            var user = int.Parse(f[0], CultureInfo.InvariantCulture);
            var movie = int.Parse(f[1], CultureInfo.InvariantCulture);
            if (!users.TryGetValue(user, out var u)) users[user] = u = users.Count;
            if (!itemIndex.TryGetValue(movie, out var i))
            {
                itemIndex[movie] = i = items.Count;
                items.Add(new DataItem($"ml-{movie}", $"movie {movie}", []));
            }
            events.Add(new DataEvent(u, i, EvidenceKind.Rating, float.Parse(f[2], CultureInfo.InvariantCulture), long.Parse(f[3], CultureInfo.InvariantCulture)));
        }
        var userIds = new string[users.Count];
        foreach (var (id, u) in users) userIds[u] = $"ml-{id}";
        return new Dataset(Path.GetFileName(dir.TrimEnd('/')), userIds, [.. items], [.. events],
            $"MovieLens CSV: {events.Count:N0} ratings 0.5–5, {userIds.Length:N0} users, {items.Count:N0} items");
    }

    /// <summary>
    /// Last.fm hetrec2011-2k: one row per user–artist pair, a <c>view</c> whose value is the play
    /// count (the evidence curve may use it as an amount); no timestamps, no categories.
    /// </summary>
    public static Dataset LastFm(string dir)
    {
        var items = new List<DataItem>();
        var itemIndex = new Dictionary<int, int>();
        foreach (var line in File.ReadLines(Path.Combine(dir, "artists.dat"), Encoding.UTF8).Skip(1))
        {
            if (line.Length == 0) continue;
            var f = line.Split('\t');
            var id = int.Parse(f[0], CultureInfo.InvariantCulture);
            itemIndex[id] = items.Count;
            items.Add(new DataItem($"artist-{id}", f.Length > 1 && f[1].Length > 0 ? f[1] : $"artist {id}", []));
        }
        var users = new Dictionary<int, int>();
        var events = new List<DataEvent>();
        foreach (var line in File.ReadLines(Path.Combine(dir, "user_artists.dat"), Encoding.UTF8).Skip(1))
        {
            if (line.Length == 0) continue;
            var f = line.Split('\t');
            var user = int.Parse(f[0], CultureInfo.InvariantCulture);
            var artist = int.Parse(f[1], CultureInfo.InvariantCulture);
            if (!users.TryGetValue(user, out var u)) users[user] = u = users.Count;
            if (!itemIndex.TryGetValue(artist, out var i))
            {
                itemIndex[artist] = i = items.Count;
                items.Add(new DataItem($"artist-{artist}", $"artist {artist}", []));
            }
            events.Add(new DataEvent(u, i, EvidenceKind.View, float.Parse(f[2], CultureInfo.InvariantCulture), 0));
        }
        var userIds = new string[users.Count];
        foreach (var (id, u) in users) userIds[u] = $"lfm-{id}";
        return new Dataset("lastfm-2k", userIds, [.. items], [.. events],
            $"Last.fm hetrec2011-2k: {events.Count:N0} user–artist pairs with play counts, {userIds.Length:N0} users, {items.Count:N0} artists");
    }

    public static bool IsUnknownGenre(string genre) =>
        genre.Equals("unknown", StringComparison.OrdinalIgnoreCase) || genre.Equals("(no genres listed)", StringComparison.OrdinalIgnoreCase);
}

/// <summary>Splits one RFC 4180 CSV line: fields may be quoted, "" inside quotes is a quote.</summary>
public static class Csv
{
    public static IReadOnlyList<string> Split(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else field.Append(c);
        }
        fields.Add(field.ToString());
        return fields;
    }
}
