using Recommender.Learning;

namespace Recommender.Tests.Learning;

public class DecayedPopularityTests
{
    [Fact]
    public void Counts_halve_every_half_life_and_survive_renormalisation()
    {
        var pop = new DecayedPopularity(2, halfLife: 10);
        pop.Add(0, now: 0);
        pop.Add(1, now: 10);
        Assert.Equal(0.5, pop[0], 9);
        Assert.Equal(1.0, pop[1], 9);
        pop.Add(1, now: 5000); // forces the global scale past its renormalisation point
        Assert.Equal(1.0, pop[1], 9);
        Assert.True(pop[0] < 1e-100);
    }
}
