using Recommender.Learning;

namespace Recommender.Tests.Learning;

public class MovieLensTests
{
    [Fact]
    public void Folds_follow_mku_sh_line_ranges()
    {
        var ratings = Enumerable.Range(0, 100).Select(n => new MovieLensRating(n, n, 1, n)).ToArray();
        var (train, test) = MovieLensFolds.Split(ratings, 2);
        Assert.Equal(Enumerable.Range(20, 20), test.Select(r => r.User));
        Assert.Equal(Enumerable.Range(0, 20).Concat(Enumerable.Range(40, 60)), train.Select(r => r.User));
    }

    /// <summary>A clone without the data says why its MovieLens tests skip: the variable to set and the folder looked for.</summary>
    [Fact]
    public void The_skip_reason_names_the_variable_and_where_the_data_was_looked_for()
    {
        var wrong = MovieLensData.WhyMissing("/nonexistent");
        Assert.Contains("RECO_MOVIELENS_DIR=/nonexistent", wrong);
        Assert.Contains("u.data", wrong);

        var unset = MovieLensData.WhyMissing(null);
        Assert.Contains("set RECO_MOVIELENS_DIR", unset);
        var repository = Path.GetDirectoryName(Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..")))!;
        Assert.Contains(Path.Combine(repository, "shared", "data", "ml-100k"), unset);
    }

    [SkippableFact]
    public void Reads_ml100k_and_rebuilt_folds_match_the_shipped_files_when_present()
    {
        var folder = MovieLensData.RequireFolder();
        var data = MovieLensData.Load();
        Assert.Equal(100_000, data.Ratings.Count);
        Assert.Equal((943, 1682), (data.Users, data.Items));
        Assert.Equal(19, data.Genres.Count);
        Assert.Equal("Toy Story (1995)", data.Movies[0].Title);
        Assert.Equal(["Animation", "Children's", "Comedy"], data.Movies[0].GenreIds.Select(g => data.Genres[g]));

        // Some copies of ml-100k ship u1..u5; when they do, ours must be the same sets.
        for (int fold = 1; fold <= MovieLensFolds.FoldCount; fold++)
        {
            var shipped = Path.Combine(folder, $"u{fold}.test");
            if (!File.Exists(shipped)) continue;
            var (_, test) = MovieLensFolds.Split(data.Ratings, fold);
            var expected = MovieLens.ReadRatings(shipped).ToHashSet();
            Assert.True(expected.SetEquals(test), $"u{fold}.test differs from the rebuilt fold");
        }
    }
}
