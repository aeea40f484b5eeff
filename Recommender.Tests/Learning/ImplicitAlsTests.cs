using Recommender.Learning;

namespace Recommender.Tests.Learning;

public class ImplicitAlsTests
{
    /// <summary>A small random implicit matrix with a planted low-rank structure and some negatives.</summary>
    internal static InteractionMatrix RandomMatrix(int users = 120, int items = 80, int seed = 3)
    {
        var rng = new Random(seed);
        var b = new InteractionMatrixBuilder(users, items);
        for (int u = 0; u < users; u++)
        {
            int group = u % 4;
            for (int n = 0; n < 12; n++)
            {
                int i = rng.Next(items);
                bool liked = i % 4 == group || rng.NextDouble() < 0.2;
                b.Add(u, i, liked ? 1f + 4f * (float)rng.NextDouble() : 4f, liked ? 1f : 0f);
            }
        }
        return b.Build();
    }

    private static readonly ImplicitAlsOptions Small = new() { Factors = 8, Regularization = 0.5f, Iterations = 5 };

    [Fact]
    public void Training_loss_falls_across_iterations()
    {
        var m = RandomMatrix();
        var losses = Enumerable.Range(0, 6)
            .Select(it => ImplicitAls.Loss(m, ImplicitAls.Train(m, Small with { Iterations = it }), Small.Regularization))
            .ToArray();
        for (int it = 1; it < losses.Length; it++) Assert.True(losses[it] < losses[it - 1], $"iteration {it}: {losses[it]} !< {losses[it - 1]}");
        Assert.True(losses[^1] < 0.7 * losses[0]);
    }

    [Fact]
    public void Same_seed_gives_identical_factors_whatever_the_parallelism()
    {
        var m = RandomMatrix();
        var a = ImplicitAls.Train(m, Small);
        var b = ImplicitAls.Train(m, Small);
        var serial = ImplicitAls.Train(m, Small with { MaxDegreeOfParallelism = 1 });
        Assert.Equal(a.UserFactors, b.UserFactors);
        Assert.Equal(a.ItemFactors, b.ItemFactors);
        Assert.Equal(a.UserFactors, serial.UserFactors);
        Assert.Equal(a.ItemFactors, serial.ItemFactors);
    }

    [Fact]
    public void Different_seed_gives_different_factors()
    {
        var m = RandomMatrix();
        var a = ImplicitAls.Train(m, Small);
        var b = ImplicitAls.Train(m, Small with { Seed = 7 });
        Assert.NotEqual(a.UserFactors, b.UserFactors);
    }

    [Fact]
    public void Model_ranks_planted_group_items_above_other_items()
    {
        var m = RandomMatrix();
        var model = ImplicitAls.Train(m, Small with { Iterations = 10 });
        int wins = 0, total = 0;
        for (int u = 0; u < m.Users; u++)
            for (int i = 0; i < m.Items; i += 1)
            {
                if (i % 4 != u % 4) continue;
                int other = (i + 1) % m.Items;
                total++;
                if (model.Score(u, i) > model.Score(u, other)) wins++;
            }
        Assert.True(wins > 0.65 * total, $"{wins}/{total}");
    }

    [Fact]
    public void Shapes_are_row_major()
    {
        var m = RandomMatrix(users: 10, items: 7);
        var model = ImplicitAls.Train(m, Small with { Iterations = 1 });
        Assert.Equal((10, 7, 8), (model.Users, model.Items, model.Factors));
        Assert.Equal(80, model.UserFactors.Length);
        Assert.Equal(56, model.ItemFactors.Length);
    }

    [Fact]
    public void Cancellation_is_honoured()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => ImplicitAls.Train(RandomMatrix(), Small, cts.Token));
    }
}
