using Recommender.Learning;

namespace Recommender.Tests.Learning;

public class InteractionMatrixTests
{
    [Fact]
    public void Builds_CSR_and_its_transpose()
    {
        var m = new InteractionMatrixBuilder(3, 4)
            .Add(2, 1, 2f, 1f).Add(0, 3, 1f, 1f).Add(0, 0, 5f, 0f).Add(1, 3, 3f, 1f)
            .Build();
        Assert.Equal(4, m.NonZeros);
        Assert.Equal([0, 3], m.ByUser.RowColumns(0).ToArray());
        Assert.Equal([5f, 1f], m.ByUser.RowConfidence(0).ToArray());
        Assert.Equal([0f, 1f], m.ByUser.RowPreference(0).ToArray());
        Assert.Empty(m.ByItem.RowColumns(2).ToArray());
        Assert.Equal([0, 1], m.ByItem.RowColumns(3).ToArray());
        Assert.Equal([1f, 3f], m.ByItem.RowConfidence(3).ToArray());
        Assert.Equal([2], m.ByItem.RowColumns(1).ToArray());
    }

    [Fact]
    public void Duplicates_add_confidence_and_average_preference_by_confidence()
    {
        // A view (c = 1, p = 1) then a dislike (c = 4, p = 0): c = 5, p = (1·1 + 4·0)/5 = 0.2.
        var m = new InteractionMatrixBuilder(1, 1).Add(0, 0, 1f, 1f).Add(0, 0, 4f, 0f).Build();
        Assert.Equal(1, m.NonZeros);
        Assert.Equal(5f, m.ByUser.Confidence[0]);
        Assert.Equal(0.2f, m.ByUser.Preference[0], 6);
    }

    [Fact]
    public void Rejects_out_of_range_input()
    {
        var b = new InteractionMatrixBuilder(2, 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => b.Add(2, 0, 1f, 1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => b.Add(0, 0, 0f, 1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => b.Add(0, 0, 1f, 2f));
    }
}
