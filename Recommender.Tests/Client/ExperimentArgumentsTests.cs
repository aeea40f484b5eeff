using Recommender.Client.Api;
using Recommender.Client.Commands;

namespace Recommender.Tests.Client;

/// <summary><c>reco experiments create --variant … --share …</c> as typed, and the window the SDK sends.</summary>
public sealed class ExperimentArgumentsTests
{
    [Fact]
    public void A_variant_reads_name_strategy_keys_and_a_filter_with_commas()
    {
        var (variant, share) = ExperimentArguments.Variant("blend=learned,share=2,popularShare=0.3,exploration=0.1,rules=off,filter=brand IN ('a','b'), price < 5");
        Assert.Equal(new ExperimentVariant("blend", 2, new ServingConfig("learned", 0.3, 0.1, "brand IN ('a','b'), price < 5", false)), variant);
        Assert.Equal(2, share);

        Assert.Equal(new ExperimentVariant("control", 1, new ServingConfig()), ExperimentArguments.Variant("control").Variant);
        Assert.Null(ExperimentArguments.Variant("control").Share);
        Assert.Equal("popular", ExperimentArguments.Variant("pop,strategy=popular").Variant.Serving!.Strategy);
        // The service checks the strategy's value and names the field; the CLI passes it on.
        Assert.Equal("random", ExperimentArguments.Variant("x=random").Variant.Serving!.Strategy);
    }

    [Theory]
    [InlineData("", "no name")]
    [InlineData("a=", "no strategy")]
    [InlineData("a,colour=red", "unknown key 'colour'")]
    [InlineData("a,share", "'share' is not key=value")]
    [InlineData("a,share=lots", "'lots' is not a number")]
    [InlineData("a,rules=maybe", "rules is on or off")]
    [InlineData("a=popular,strategy=learned", "given twice")]
    [InlineData("a,filter= ", "filter= is empty")]
    public void A_variant_that_does_not_read_names_itself_and_the_syntax(string text, string why)
    {
        var e = Assert.Throws<FormatException>(() => ExperimentArguments.Variant(text));
        Assert.Contains($"--variant '{text}'", e.Message);
        Assert.Contains(why, e.Message);
        Assert.Contains(ExperimentArguments.Syntax, e.Message);
    }

    [Fact]
    public void Shares_come_from_share_or_from_each_variant_and_default_to_an_even_split()
    {
        Assert.Equal(new[] { 1.0, 1.0 }, ExperimentArguments.Parse(["a", "b=popular"], null).Select(v => v.Share));
        Assert.Equal(new[] { 3.0, 1.0 }, ExperimentArguments.Parse(["a,share=3", "b"], null).Select(v => v.Share));
        Assert.Equal(new[] { 90.0, 10.0 }, ExperimentArguments.Parse(["a", "b"], "90, 10").Select(v => v.Share));
        Assert.Contains("3 shares for 2 variants", Assert.Throws<FormatException>(() => ExperimentArguments.Parse(["a", "b"], "1,2,3")).Message);
        Assert.Contains("give a variant's share once", Assert.Throws<FormatException>(() => ExperimentArguments.Parse(["a,share=2", "b"], "1,1")).Message);
    }

    [Theory]
    [InlineData(60, "1m")]
    [InlineData(3600, "60m")]
    [InlineData(90.5, "91s")]
    public void The_online_window_is_sent_in_whole_minutes_or_seconds(double seconds, string expected)
    {
        Assert.Equal(expected, RecommenderClient.WindowText(TimeSpan.FromSeconds(seconds)));
    }
}
