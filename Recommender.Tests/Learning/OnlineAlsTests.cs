using Recommender.Learning;

namespace Recommender.Tests.Learning;

public class OnlineAlsTests
{
    [Fact]
    public void Learning_an_event_raises_its_score_and_keeps_the_grams_exact()
    {
        var m = ImplicitAlsTests.RandomMatrix();
        var model = ImplicitAls.Train(m, new ImplicitAlsOptions { Factors = 8, Regularization = 0.5f, Iterations = 5 });
        var online = new OnlineAls(model, 0.5f, cgSteps: 8) { UserRecencyHalfLife = 0 };
        for (int u = 0; u < m.Users; u++)
            for (int e = m.ByUser.Offsets[u]; e < m.ByUser.Offsets[u + 1]; e++)
                online.Observe(u, m.ByUser.Columns[e], m.ByUser.Confidence[e], m.ByUser.Preference[e]);

        int user = 5, item = 0;
        while (m.ByUser.RowColumns(user).Contains(item)) item++;
        float before = model.Score(user, item);
        online.Learn(user, item, 5f, 1f);
        Assert.True(model.Score(user, item) > before);

        // The incrementally updated Gram matrices equal a recompute.
        var xtx = online.UserGram.ToArray();
        var yty = online.ItemGram.ToArray();
        var exactX = model.UserGram();
        var exactY = model.ItemGram();
        for (int j = 0; j < xtx.Length; j++)
        {
            Assert.InRange(xtx[j], exactX[j] - 1e-3f, exactX[j] + 1e-3f);
            Assert.InRange(yty[j], exactY[j] - 1e-3f, exactY[j] + 1e-3f);
        }
    }
}
