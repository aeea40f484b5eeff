using Recommender.Client.Ranking;

namespace Recommender.Tests.Client;

public class RankingDiffTests
{
    [Fact]
    public void Added_removed_and_moved_are_found_with_one_based_ranks()
    {
        var diff = RankingDiff.Compute(["a", "b", "c", "d"], ["c", "a", "e", "b"]);

        Assert.Equal(["e"], diff.Added);
        Assert.Equal(["d"], diff.Removed);
        Assert.Equal(
            [new RankMove("c", 3, 1), new RankMove("a", 1, 2), new RankMove("b", 2, 4)],
            diff.Moved);
        Assert.Equal("↑ 2", diff.Moved[0].Arrow);
        Assert.Equal("↓ 2", diff.Moved[2].Arrow);
    }

    [Fact]
    public void Identical_rankings_have_an_empty_diff()
    {
        Assert.True(RankingDiff.Compute(["a", "b"], ["a", "b"]).IsEmpty);
    }

    [Fact]
    public void From_empty_everything_is_added_in_rank_order()
    {
        var diff = RankingDiff.Compute([], ["x", "y"]);

        Assert.Equal(["x", "y"], diff.Added);
        Assert.Empty(diff.Removed);
        Assert.Empty(diff.Moved);
    }
}
