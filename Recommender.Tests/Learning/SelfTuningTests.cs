using Recommender.Learning;

namespace Recommender.Tests.Learning;

/// <summary>The second model family, the evidence curve, the content profile, the blend and the self-tuning.</summary>
public sealed class SelfTuningTests
{
    [Theory]
    [InlineData(37)]
    [InlineData(128)]
    [InlineData(301)]
    public void The_float32_SPD_inverse_inverts(int n)
    {
        var rng = new Random(n);
        var x = DenseSolver.RandomMatrix(rng, n + 20, n);
        var a = new float[n * n];
        for (var r = 0; r < n + 20; r++)
            for (var i = 0; i < n; i++)
                for (var j = 0; j < n; j++) a[i * n + j] += x[r * n + i] * x[r * n + j];
        for (var i = 0; i < n; i++) a[i * n + i] += 5f;
        var inverse = (float[])a.Clone();

        SpdInverse.Invert(inverse, n);

        var worst = 0.0;
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
            {
                double s = 0;
                for (var p = 0; p < n; p++) s += (double)a[i * n + p] * inverse[p * n + j];
                worst = Math.Max(worst, Math.Abs(s - (i == j ? 1 : 0)));
            }
        Assert.True(worst < 1e-3, $"max |A·A⁻¹ − I| = {worst}");
    }

    [Fact]
    public void A_matrix_that_is_not_positive_definite_is_refused()
    {
        float[] a = [1, 2, 2, 1];
        Assert.Throws<ArithmeticException>(() => SpdInverse.Invert(a, 2));
    }

    [Fact]
    public void EASE_weights_match_the_closed_form_solved_in_double()
    {
        // 30 users × 12 items, random binary.
        var rng = new Random(7);
        var builder = new FeedbackBuilder(30, 12);
        for (var u = 0; u < 30; u++)
            for (var i = 0; i < 12; i++)
                if (rng.NextDouble() < 0.35) builder.Add(u, i, EvidenceKind.Like);
        var positives = builder.Build().Positives();
        const float lambda = 3f;

        var model = Ease.Train(positives, new Ease.Settings(lambda, MaxItems: 100, Neighbours: 100));

        // Reference: P = (XᵀX + λI)⁻¹ column by column in double, B[j, i] = −P[j, i] / P[i, i].
        var covered = Ease.CoveredItems(positives, 100);
        var n = covered.Length;
        var gram = CoOccurrence.DenseGram(positives, covered, 12);
        var g = new double[n, n];
        for (var i = 0; i < n; i++) for (var j = 0; j < n; j++) g[i, j] = gram[i * n + j] + (i == j ? lambda : 0);
        var p = new double[n, n];
        for (var c = 0; c < n; c++)
        {
            var e = new double[n];
            e[c] = 1;
            var column = DenseSolver.Solve(g, e);
            for (var r = 0; r < n; r++) p[r, c] = column[r];
        }
        for (var a = 0; a < n; a++)
        {
            var row = model.Neighbours(covered[a]).ToArray();
            var weights = model.NeighbourWeights(covered[a]).ToArray();
            for (var b = 0; b < n; b++)
            {
                if (a == b) continue;
                var expected = -p[a, b] / p[b, b];
                var at = Array.IndexOf(row, covered[b]);
                if (expected > 1e-6) Assert.Equal(expected, weights[at], 3); // positive weights are kept (all of them here)
                else Assert.True(at < 0 || Math.Abs(weights[at] - expected) < 1e-3);
            }
        }
    }

    [Fact]
    public void A_tally_keeps_counts_the_latest_rating_the_amount_and_the_latest_sign()
    {
        EvidenceTally t = default;
        for (var i = 0; i < 300; i++) t.Add(EvidenceKind.View, 2f, false);
        t.Add(EvidenceKind.Rating, 2.5f, false);
        t.Add(EvidenceKind.Rating, 4f, false);
        t.Add(EvidenceKind.Dislike, 0f, true);

        Assert.Equal(255, t.Count(EvidenceKind.View)); // saturates
        Assert.Equal(2, t.Count(EvidenceKind.Rating));
        Assert.Equal(4f, t.LastRating);
        Assert.Equal(600f, t.Amount);
        Assert.True(t.Negative);
        t.Add(EvidenceKind.Like, 0f, false);
        Assert.False(t.Negative);
        var copy = new EvidenceTally(t.Packed, t.Amount);
        Assert.Equal(t.Packed, copy.Packed);
    }

    [Fact]
    public void The_curve_knobs_do_what_they_say()
    {
        EvidenceTally view = default, like = default, four = default, two = default, plays = default, many = default;
        view.Add(EvidenceKind.View, 0, false);
        like.Add(EvidenceKind.Like, 0, false);
        four.Add(EvidenceKind.Rating, 4, false);
        two.Add(EvidenceKind.Rating, 2, false);
        plays.Add(EvidenceKind.View, 100, false);
        many.Add(EvidenceKind.View, 1000, false);
        var curve = new EvidenceCurve();

        Assert.True(curve.Strength(like) > curve.Strength(view));
        Assert.Equal(curve.Strength(like), (curve with { Sharpness = 0 }).Strength(view)); // every kind alike
        Assert.True(curve.Strength(four) > curve.Strength(two));
        Assert.Equal((curve with { RatingExponent = 0 }).Strength(four), (curve with { RatingExponent = 0 }).Strength(two));
        Assert.True(curve.Strength(many) > curve.Strength(plays));
        Assert.Equal((curve with { AmountExponent = 0 }).Strength(many), (curve with { AmountExponent = 0 }).Strength(view));
        // Relative amounts: 1000 plays for a user whose median is 1000 count as 100 for a user whose median is 100.
        var relative = curve with { RelativeAmounts = true };
        Assert.Equal(relative.Strength(plays, 100f), relative.Strength(many, 1000f), 5);
        Assert.Equal(100f, EvidenceCurve.AmountScale([plays, many, plays]));
    }

    [Fact]
    public void Normalising_a_curve_makes_the_mean_positive_strength_one()
    {
        var data = SyntheticData.Generate(SyntheticData.Preset("default") with { Users = 100, Items = 200 });
        var feedback = data.ToFeedback(data.Events);
        var curve = new EvidenceCurve { RatingExponent = 1f }.Normalised(feedback);
        var mean = feedback.Tallies.Where(t => !t.Negative).Average(t => curve.Strength(t));
        Assert.Equal(1.0, mean, 3);
    }

    [Fact]
    public void The_recency_rule_halves_the_extra_confidence_per_half_life_and_floors_it()
    {
        var recency = new RecencyWeights(5f);
        Assert.Equal(1f + 4f, recency.Confidence(4f, 0), 5);
        Assert.Equal(1f + 2f, recency.Confidence(4f, 5), 5);
        Assert.Equal(1f + 1f, recency.Confidence(4f, 10), 5);
        Assert.Equal(1f, recency.Confidence(4f, 200)); // below 10⁻³: c = 1
        Assert.Equal(1f + 4f, new RecencyWeights(0f).Confidence(4f, 1000)); // off
    }

    [Fact]
    public void A_category_that_explains_many_cells_absorbs_the_credit_of_shared_ones()
    {
        // Categories: 0 Horror, 1 Drama, 2 Mystery. Ten Horror/Drama likes and ten Horror likes, one Mystery like.
        var categories = ItemCategories.From([.. Enumerable.Range(0, 10).Select(_ => (IReadOnlyList<string>)["Horror", "Drama"]),
            .. Enumerable.Range(0, 10).Select(_ => (IReadOnlyList<string>)["Horror"]), ["Mystery"]]);
        var items = Enumerable.Range(0, 21).ToArray();
        var strengths = Enumerable.Repeat(1f, 21).ToArray();
        var profile = new float[3];

        CategoryProfile.Build(profile, categories, items, strengths, saturation: 0f);

        Assert.True(profile[0] > 0.85f, $"Horror {profile[0]}");
        Assert.True(profile[2] > profile[1], $"Mystery {profile[2]} (shown on its own once) should outweigh Drama {profile[1]} (only ever beside Horror)");

        CategoryProfile.Build(profile, categories, items, strengths, saturation: 1f);
        Assert.True(profile[2] > 0.5f && profile[0] > 0.99f, $"saturated: Horror {profile[0]}, Mystery {profile[2]}");
    }

    [Fact]
    public void The_item_item_share_backs_off_to_ALS_for_items_the_model_does_not_cover()
    {
        float[] als = [1f, 0.5f, 0.8f];
        float[] itemItem = [0.2f, 0.4f, 0f]; // item 2 is not covered
        var covers = BitSet.Create(3);
        BitSet.Set(covers, 0);
        BitSet.Set(covers, 1);
        var dest = new float[3];

        HybridScorer.Blend(new BlendWeights(0f, 1f, 0f, 0f, new SourceScales(1f, 1f, 1f, 1f)), als, itemItem, default, default, default, dest, covers);

        Assert.Equal([0.2f, 0.4f, 0.8f], dest);
    }

    [Fact]
    public void The_holdout_is_a_fixed_random_share_of_each_validated_users_positives()
    {
        var data = SyntheticData.Generate(SyntheticData.Preset("default") with { Users = 300, Items = 400 });
        var feedback = data.ToFeedback(data.Events);
        var holdout = new Holdout();

        var (train, held) = holdout.Split(feedback);
        var (train2, held2) = holdout.Split(feedback);

        Assert.Equal(train.Columns, train2.Columns);
        Assert.Equal(held.Keys.Order(), held2.Keys.Order());
        var heldCells = held.Values.Sum(v => v.Length);
        Assert.InRange(heldCells / (double)feedback.NonZeros, 0.15, 0.25);
        Assert.Equal(feedback.NonZeros, train.NonZeros + heldCells); // ratings only: no negative cell is dropped
        foreach (var (u, items) in held)
            Assert.Empty(items.Intersect(train.RowItems(u).ToArray()));
    }

    [Fact]
    public void The_self_tuning_is_deterministic_never_worse_than_popularity_or_item_kNN_and_keeps_fixed_knobs()
    {
        var data = SyntheticData.Generate(SyntheticData.Preset("default") with { Users = 400, Items = 500, Topics = 10 });
        var feedback = data.ToFeedback(data.Events);
        var options = new TuningOptions { FactorChoices = [64], EaseMaxItems = 500 };

        var first = AutoTuner.Run(feedback, options, new AlsSettings(Factors: 32));
        var second = AutoTuner.Run(feedback, options, new AlsSettings(Factors: 32));

        Assert.Equal(first.Winner, second.Winner);
        Assert.Equal(first.Candidates.Select(c => (c.Family, c.Settings, c.Ndcg)), second.Candidates.Select(c => (c.Family, c.Settings, c.Ndcg)));
        var popularity = first.Candidates.Single(c => c.Family == "popularity").Ndcg;
        var knn = first.Candidates.Where(c => c.Family == "item-kNN").Max(c => c.Ndcg);
        Assert.True(first.WinnerNdcg >= Math.Max(popularity, knn), $"winner {first.WinnerNdcg:0.0000} vs popularity {popularity:0.0000}, item-kNN {knn:0.0000}");
        Assert.Contains("validation", first.Reason);

        var fixedLambda = AutoTuner.Run(feedback, options with { Lambda = 7f, ItemItem = ItemItemKind.None }, new AlsSettings(Factors: 32));
        Assert.Equal(7f, fixedLambda.Winner.Als.Lambda);
        Assert.Equal(ItemItemKind.None, fixedLambda.Winner.ItemItem.Kind);
        Assert.DoesNotContain(fixedLambda.Candidates, c => c.Family is "EASE" or "RP3β" or "item-kNN");
    }
}
