using Recommender.Grains.Experiments;

namespace Recommender.Tests.Experiments;

/// <summary>Users are bucketed deterministically, stickily and in the stated shares (issue #14: ±2 % over 10,000 users).</summary>
public sealed class BucketingTests
{
    private static ExperimentDefinition Experiment(string id, double holdout, params (string Name, double Share)[] variants) => new()
    {
        Id = id, Holdout = holdout,
        Variants = [.. variants.Select(v => new VariantDefinition { Name = v.Name, Share = v.Share })],
    };

    [Theory]
    [InlineData("learned-vs-popular", 0.0, new[] { 0.5, 0.5 })]
    [InlineData("three-way", 0.1, new[] { 0.2, 0.3, 0.5 })]
    [InlineData("mostly-control", 0.0, new[] { 0.9, 0.1 })]
    public void Ten_thousand_users_split_within_two_percent_of_the_shares(string id, double holdout, double[] shares)
    {
        var experiment = Experiment(id, holdout, [.. shares.Select((s, i) => ($"v{i}", s))]);
        var users = Enumerable.Range(0, 10_000).Select(i => $"user-{i}").ToArray();
        var counts = users.Select(u => experiment.Assign(u).Variant).CountBy(v => v).ToDictionary(p => p.Key, p => p.Value);

        var expected = shares.Select((s, i) => ($"v{i}", s * (1 - holdout))).Append((ExperimentDefinition.HoldoutVariant, holdout));
        foreach (var (variant, share) in expected)
        {
            var observed = counts.GetValueOrDefault(variant) / 10_000.0;
            Assert.True(Math.Abs(observed - share) <= 0.02, $"{variant}: {observed:P2} of the users, expected {share:P0} ± 2 %");
        }
    }

    [Fact]
    public void A_user_stays_in_the_same_variant_and_experiments_split_independently()
    {
        var a = Experiment("a", 0, ("x", 1), ("y", 1));
        var b = Experiment("b", 0, ("x", 1), ("y", 1));
        var users = Enumerable.Range(0, 10_000).Select(i => $"u{i}").ToArray();
        Assert.All(users.Take(100), u => Assert.Equal(a.Assign(u), a.Assign(u)));
        // Independent: being in a's x says nothing about b (about a quarter of users in each pair).
        var both = users.Count(u => a.Assign(u).Variant == "x" && b.Assign(u).Variant == "x") / 10_000.0;
        Assert.InRange(both, 0.23, 0.27);
        // Ids that differ in their last character still spread (no correlated low bits).
        var positions = Enumerable.Range(0, 10).Select(i => Bucketing.Position("a", $"user{i}")).ToArray();
        Assert.True(positions.Max() - positions.Min() > 0.5, string.Join(", ", positions));
    }
}
