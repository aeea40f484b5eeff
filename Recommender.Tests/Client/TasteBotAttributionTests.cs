using Recommender.Client.Api;
using Recommender.Client.Simulation;

namespace Recommender.Tests.Client;

/// <summary><c>reco simulate</c>'s bots attribute what they take from their list to it, and nothing else.</summary>
public sealed class TasteBotAttributionTests
{
    [Fact]
    public void An_item_taken_from_the_list_carries_its_recommendationId_a_browsed_one_does_not()
    {
        var catalogue = Enumerable.Range(0, 12).Select(i => new Item($"i{i}", null, [i < 6 ? "A" : "B"], null, null, null)).ToList();
        var bot = new TasteBot("bot", ["A"], catalogue);
        var random = new Random(7);
        var list = new List<RecommendedItem> { new(1, "i7", null, ["B"], 1), new(2, "i1", null, ["A"], 0.9), new(3, "i2", null, ["A"], 0.8) };

        var first = bot.Choose(list, random, "list1")!;
        Assert.Equal(("i1", "list1"), (first.ItemId, first.RecommendationId));
        var second = bot.Choose(list, random, "list2")!;
        Assert.Equal(("i2", "list2"), (second.ItemId, second.RecommendationId));

        // Nothing of its taste left in the list: it finds an item in the catalogue, which answers no list.
        var third = bot.Choose(list, random, "list3")!;
        Assert.Contains(third.ItemId, new[] { "i0", "i3", "i4", "i5" });
        Assert.Null(third.RecommendationId);

        // Every fifth interaction it browses, even with a taste item listed.
        var fourth = bot.Choose([new(1, "i3", null, ["A"], 1), new(2, "i4", null, ["A"], 1), new(3, "i5", null, ["A"], 1), new(4, "i0", null, ["A"], 1)], random, "list4")!;
        Assert.Equal("list4", fourth.RecommendationId);
        var fifth = bot.Choose([.. new[] { "i0", "i3", "i4", "i5" }.Where(id => id != fourth.ItemId).Select((id, i) => new RecommendedItem(i + 1, id, null, ["A"], 1))], random, "list5")!;
        Assert.Null(fifth.RecommendationId);
        Assert.Equal(5, bot.Interactions);
    }
}
