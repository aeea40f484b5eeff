using Recommender.Client.Commands;
using Recommender.Client.Datasets;
using Recommender.Client.Evaluation;
using Recommender.Learning;
using Recommender.Tests.Infrastructure;

namespace Recommender.Tests.Learning;

/// <summary>The shared dataset readers, splits and generator, and how the client maps rows to API events.</summary>
public sealed class DatasetTests
{
    [Fact]
    public void MovieLens_csv_handles_quoted_titles_missing_genres_and_half_stars()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(Path.Combine(dir.Path, "movies.csv"),
            "movieId,title,genres\n11,\"American President, The (1995)\",Comedy|Drama|Romance\n12,\"Say \"\"Hi\"\" (2000)\",(no genres listed)\n");
        File.WriteAllText(Path.Combine(dir.Path, "ratings.csv"), "userId,movieId,rating,timestamp\n1,11,2.5,1260759144\n7,12,5.0,1260759145\n1,99,4,1260759146\n");

        var data = DatasetReader.Open(dir.Path);

        Assert.Equal(["ml-1", "ml-7"], data.UserIds);
        Assert.Equal("American President, The (1995)", data.Items[0].Title);
        Assert.Equal(["Comedy", "Drama", "Romance"], data.Items[0].Categories);
        Assert.Equal("Say \"Hi\" (2000)", data.Items[1].Title);
        Assert.Empty(data.Items[1].Categories);
        Assert.Equal("ml-99", data.Items[2].Id); // rated but not in movies.csv: still an item
        Assert.Equal(new DataEvent(0, 0, EvidenceKind.Rating, 2.5f, 1260759144), data.Events[0]);
    }

    [Fact]
    public void LastFm_rows_are_views_with_the_play_count_as_amount()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(Path.Combine(dir.Path, "artists.dat"), "id\tname\turl\tpictureURL\n51\tDuran Duran\thttp://x\thttp://y\n52\tMorcheeba\thttp://x\thttp://y\n");
        File.WriteAllText(Path.Combine(dir.Path, "user_artists.dat"), "userID\tartistID\tweight\n2\t51\t13883\n2\t52\t11690\n3\t51\t1\n");

        var data = DatasetReader.Open(dir.Path);

        Assert.Equal("lastfm-2k", data.Name);
        Assert.Equal(["lfm-2", "lfm-3"], data.UserIds);
        Assert.Equal(("artist-51", "Duran Duran"), (data.Items[0].Id, data.Items[0].Title));
        Assert.Equal(new DataEvent(0, 0, EvidenceKind.View, 13883f, 0), data.Events[0]);
        var feedback = data.ToFeedback(data.Events);
        Assert.Equal(13883f, feedback.RowTallies(0)[0].Amount);
    }

    [Fact]
    public void Folds_test_on_the_kth_fifth_in_file_order_and_random_splits_are_fixed_by_their_seed()
    {
        var data = SyntheticData.Generate(SyntheticData.Preset("default") with { Users = 200, Items = 300 });

        var (train, test) = data.Fold(3);
        var size = data.Events.Length / 5;
        Assert.Equal(data.Events[(2 * size)..(3 * size)], test);
        Assert.Equal(data.Events.Length - size, train.Length);

        var (a, b) = data.RandomSplit(0.2, 42);
        var (c, d) = data.RandomSplit(0.2, 42);
        var (_, e) = data.RandomSplit(0.2, 43);
        Assert.Equal(a, c);
        Assert.Equal(b, d);
        Assert.NotEqual(b, e);
        Assert.InRange(b.Length / (double)data.Events.Length, 0.18, 0.22);
        Assert.Equal(data.Events.Length, a.Length + b.Length);
    }

    [Fact]
    public void The_generator_is_deterministic_and_has_the_shape_it_promises()
    {
        var shape = SyntheticData.Preset("longtail");
        var one = SyntheticData.Generate(shape);
        var two = SyntheticData.Generate(shape);
        Assert.Equal(one.Events, two.Events);

        var perUser = one.Events.GroupBy(e => e.User).Select(g => g.Count()).Order().ToArray();
        var perItem = one.Events.GroupBy(e => e.Item).Select(g => g.Count()).Order().ToArray();
        Assert.True(perUser[^1] >= 1000, $"heaviest user {perUser[^1]} rows"); // a few users with thousands
        Assert.True(perUser[perUser.Length / 2] < 200, $"median user {perUser[perUser.Length / 2]} rows");
        Assert.True(perItem.Count(n => n <= 2) > perItem.Length / 5, "a long tail of items seen once or twice");
        Assert.Contains(one.Events, e => e.Value % 1 != 0); // half stars
    }

    [Theory]
    [InlineData(0.5, 1)]
    [InlineData(1.0, 1)]
    [InlineData(2.5, 3)]
    [InlineData(3.5, 4)]
    [InlineData(4.5, 5)]
    [InlineData(5.0, 5)]
    public void Rating_values_round_half_up_within_1_to_5(double rating, int expected) =>
        Assert.Equal(expected, DatasetMapping.RatingValue(rating));

    [Fact]
    public void The_mapping_gives_deterministic_ids_and_keeps_timestamps_and_amounts()
    {
        var data = new Dataset("t", ["ml-196"], [new DataItem("ml-242", "A", ["Drama"]), new DataItem("artist-7", "B", [])],
            [new DataEvent(0, 0, EvidenceKind.Rating, 3f, 881250949), new DataEvent(0, 1, EvidenceKind.View, 120f, 0)], "test");
        var mapping = DatasetMapping.For(data);

        var events = mapping.ToEvents(data.Events).ToArray();

        Assert.Equal(("ml-196", "ml-242", "rating", 3.0), (events[0].UserId, events[0].ItemId, events[0].Type, events[0].Value));
        Assert.Equal("ml-196-ml-242-0", events[0].EventId);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(881250949), events[0].Timestamp);
        Assert.Equal(("view", 120.0), (events[1].Type, events[1].Value));
        Assert.Null(events[1].Timestamp); // no timestamp: the server stamps it
    }

    [Theory]
    [InlineData("1-5", new[] { 1, 2, 3, 4, 5 })]
    [InlineData("3", new[] { 3 })]
    [InlineData("5,1,3", new[] { 1, 3, 5 })]
    [InlineData("1-2,2-3", new[] { 1, 2, 3 })]
    public void Fold_specs_parse(string spec, int[] expected) => Assert.Equal(expected, EvaluateSettings.ParseFolds(spec));

    [Theory]
    [InlineData("0")]
    [InlineData("6")]
    [InlineData("4-2")]
    [InlineData("x")]
    public void Bad_fold_specs_are_refused(string spec) => Assert.Throws<FormatException>(() => EvaluateSettings.ParseFolds(spec));

    [Fact]
    public void The_prequential_stream_keeps_only_fives_in_stable_time_order()
    {
        var events = new List<DataEvent>();
        for (var i = 0; i < 20; i++)
        {
            events.Add(new DataEvent(i, 2 * i, EvidenceKind.Rating, 5f, 1000 - i / 2)); // pairs share a timestamp
            events.Add(new DataEvent(i, 2 * i + 1, EvidenceKind.Rating, 4f, 1));
        }
        var data = new Dataset("t", [.. Enumerable.Range(0, 20).Select(i => $"u{i}")], [.. Enumerable.Range(0, 40).Select(i => new DataItem($"i{i}", "", []))], [.. events], "");

        var (train, warmUp, test) = ServicePrequentialEvaluation.Split(data);

        Assert.Equal((4, 2, 14), (train.Length, warmUp.Length, test.Length));
        DataEvent[] stream = [.. train, .. warmUp, .. test];
        Assert.All(stream, e => Assert.Equal(5f, e.Value));
        Assert.Equal(stream.OrderBy(e => e.UnixSeconds), stream);
        Assert.Equal((18, 19), (stream[0].User, stream[1].User)); // timestamp 991 pairs users 18 and 19: file order kept
    }

    [SkippableFact]
    public void The_shipped_ml_100k_reads_when_present()
    {
        var dir = MovieLensData.RequireFolder();
        var data = DatasetReader.Open(dir);

        Assert.Equal("ml-100k", data.Name);
        Assert.Equal((943, 1682, 100_000), (data.UserIds.Length, data.Items.Length, data.Events.Length));
        Assert.Contains(data.Items, m => m.Title == "Misérables, Les (1995)"); // u.item is Latin-1
        Assert.Equal(["Animation", "Children's", "Comedy"], data.Items[0].Categories);
    }
}
