using Recommender.Client.Evaluation;
using Recommender.Client.MovieLens;

namespace Recommender.Tests.Client;

public class FoldSplitterTests
{
    [Theory]
    [InlineData(1, 0, 20)]
    [InlineData(3, 40, 60)]
    [InlineData(5, 80, 100)]
    public void Fold_k_tests_on_the_kth_fifth_in_file_order(int fold, int from, int to)
    {
        var rows = Enumerable.Range(0, 100).ToList();

        var (train, test) = FoldSplitter.Split(rows, fold);

        Assert.Equal(Enumerable.Range(from, to - from), test);
        Assert.Equal(80, train.Count);
        Assert.Empty(train.Intersect(test));
        Assert.Equal(rows, train.Concat(test).Order());
    }

    [Theory]
    [InlineData("1-5", new[] { 1, 2, 3, 4, 5 })]
    [InlineData("3", new[] { 3 })]
    [InlineData("5,1,3", new[] { 1, 3, 5 })]
    [InlineData("1-2,2-3", new[] { 1, 2, 3 })]
    public void Fold_specs_parse(string spec, int[] expected)
    {
        Assert.Equal(expected, FoldSplitter.ParseFolds(spec));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("6")]
    [InlineData("4-2")]
    [InlineData("x")]
    public void Bad_fold_specs_are_refused(string spec)
    {
        Assert.Throws<FormatException>(() => FoldSplitter.ParseFolds(spec));
    }

    [Fact]
    public void Prequential_split_keeps_only_fives_in_stable_time_order()
    {
        var ratings = new List<MovieLensRating>();
        for (var i = 0; i < 20; i++)
        {
            ratings.Add(new MovieLensRating(i, 100 + i, 5, 1000 - (i / 2))); // pairs share a timestamp
            ratings.Add(new MovieLensRating(i, 200 + i, 4, 1));
        }

        var split = PrequentialSplit.Create(ratings);

        Assert.Equal(4, split.Train.Count);
        Assert.Equal(2, split.WarmUp.Count);
        Assert.Equal(14, split.Test.Count);
        var stream = split.Train.Concat(split.WarmUp).Concat(split.Test).ToList();
        Assert.All(stream, r => Assert.Equal(5, r.Rating));
        Assert.Equal(stream.OrderBy(r => r.UnixSeconds).ToList(), stream);
        Assert.Equal(18, stream[0].UserId); // timestamp 991 pairs users 18 and 19: file order kept
        Assert.Equal(19, stream[1].UserId);
    }
}
