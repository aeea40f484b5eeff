using Recommender.Client.MovieLens;

namespace Recommender.Tests.Client;

public class MovieLensParsingTests
{
    [Fact]
    public void U_data_lines_parse_in_order()
    {
        var ratings = Ml100kReader.ParseRatings(new StringReader("196\t242\t3\t881250949\n186\t302\t3\t891717742\n\n")).ToList();

        Assert.Equal(2, ratings.Count);
        Assert.Equal(new MovieLensRating(196, 242, 3, 881250949), ratings[0]);
    }

    [Fact]
    public void U_item_flags_become_categories_without_unknown()
    {
        var genres = Ml100kReader.ParseGenres(new StringReader("unknown|0\nAction|1\nAdventure|2\nComedy|3\n\n"));
        var line = "2|GoldenEye (1995)|01-Jan-1995||http://us.imdb.com/x|1|1|0|1";

        var movie = Assert.Single(Ml100kReader.ParseMovies(new StringReader(line), genres));

        Assert.Equal(2, movie.MovieId);
        Assert.Equal("GoldenEye (1995)", movie.Title);
        Assert.Equal(["Action", "Comedy"], movie.Genres);
    }

    [Fact]
    public void Movies_csv_handles_quoted_titles_and_no_genres()
    {
        var csv = "movieId,title,genres\n11,\"American President, The (1995)\",Comedy|Drama|Romance\n12,\"Say \"\"Hi\"\" (2000)\",(no genres listed)\n";

        var movies = MlLatestReader.ParseMovies(new StringReader(csv)).ToList();

        Assert.Equal("American President, The (1995)", movies[0].Title);
        Assert.Equal(["Comedy", "Drama", "Romance"], movies[0].Genres);
        Assert.Equal("Say \"Hi\" (2000)", movies[1].Title);
        Assert.Empty(movies[1].Genres);
    }

    [Fact]
    public void Ratings_csv_skips_the_header_and_keeps_half_stars()
    {
        var ratings = MlLatestReader.ParseRatings(new StringReader("userId,movieId,rating,timestamp\n1,31,2.5,1260759144\n")).ToList();

        Assert.Equal(new MovieLensRating(1, 31, 2.5, 1260759144), Assert.Single(ratings));
    }

    [Theory]
    [InlineData(0.5, 1)]
    [InlineData(1.0, 1)]
    [InlineData(2.5, 3)]
    [InlineData(3.5, 4)]
    [InlineData(4.5, 5)]
    [InlineData(5.0, 5)]
    public void Rating_values_round_half_up_within_1_to_5(double rating, int expected)
    {
        Assert.Equal(expected, MovieLensMapping.RatingValue(rating));
    }

    [Fact]
    public void Mapping_gives_deterministic_ids()
    {
        var mapping = new MovieLensMapping();
        var evt = mapping.ToEvent(new MovieLensRating(196, 242, 3, 881250949), TimestampPolicy.Original);

        Assert.Equal("ml-196", evt.UserId);
        Assert.Equal("ml-242", evt.ItemId);
        Assert.Equal("rating", evt.Type);
        Assert.Equal(3, evt.Value);
        Assert.Equal("ml-196-242-881250949", evt.EventId);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(881250949), evt.Timestamp);
    }

    [Fact]
    public void MovieLens_timestamps_are_sent_unchanged()
    {
        var min = new DateTimeOffset(1997, 9, 20, 3, 5, 10, TimeSpan.Zero).ToUnixTimeSeconds();
        var max = new DateTimeOffset(1998, 4, 22, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();

        var policy = TimestampPolicy.Choose(min, max, DateTimeOffset.UtcNow);

        Assert.Equal(TimestampMode.Original, policy.Mode);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(min), policy.Map(min));
    }

    [SkippableFact]
    public void The_shipped_ml_100k_parses_when_present()
    {
        var dir = FindMl100k();
        Skip.If(dir is null, "MovieLens-100K not found (../shared/data/ml-100k)");

        var dataset = MovieLensDataset.Open(dir!);
        var movies = dataset.ReadMovies();
        var ratings = dataset.ReadRatings().ToList();

        Assert.Equal(MovieLensFormat.Ml100K, dataset.Format);
        Assert.Equal(1682, movies.Count);
        Assert.Equal(100_000, ratings.Count);
        Assert.Contains(movies, m => m.Title == "Misérables, Les (1995)"); // u.item is Latin-1
        Assert.Equal(["Animation", "Children's", "Comedy"], movies[0].Genres);
    }

    private static string? FindMl100k()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data", "ml-100k");
            if (File.Exists(Path.Combine(candidate, "u.data")))
            {
                return candidate;
            }
        }

        return null;
    }
}
