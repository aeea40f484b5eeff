using System.Diagnostics;

namespace Recommender.Learning;

/// <summary>
/// DESIGN.md's streaming protocol (test-then-learn): the rating-5 events of ML-100K, stably sorted by
/// timestamp. The first 20 % batch-train the ALS; the next 10 % are learned online but not scored
/// (warm-up); for each of the last 70 %, BEFORE learning it, the user's top K among the items the user
/// has not yet seen (any earlier event of the stream, training part included) is computed, a hit
/// counted if the event's item is in it, and then the event is learned (user fold-in + item fold-in,
/// see <see cref="OnlineAls"/>). Recall@K = hits / scored events.
/// A user with no event so far has no vector to score with and gets the popularity list (the
/// service's cold-start answer). The popularity baseline ranks by counts of all events so far.
/// </summary>
public static class PrequentialEvaluation
{
    public static PrequentialResult Run(MovieLensDataset data, PrequentialOptions options, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        var stream = data.Ratings.Where(r => r.Rating == options.StreamRating).OrderBy(r => r.Timestamp).ToArray(); // OrderBy is stable
        int trainCount = (int)(stream.Length * options.TrainFraction);
        int warmupCount = (int)(stream.Length * options.WarmupFraction);
        int users = data.Users, items = data.Items;
        float confidence = options.Als.Confidence(options.EventStrength);

        var builder = new InteractionMatrixBuilder(users, items);
        for (int e = 0; e < trainCount; e++) builder.Add(stream[e].User - 1, stream[e].Item - 1, confidence, 1f);
        var model = ImplicitAls.Train(builder.Build(), options.Als, cancellationToken);
        var online = new OnlineAls(model, options.Als.Regularization, options.FoldInCgSteps)
        {
            UserStep = options.UserFoldIn,
            ItemStep = options.ItemFoldIn,
            RegularizationExponent = options.Als.RegularizationExponent,
            Rounds = options.FoldInRounds,
            UserRecencyHalfLife = options.UserRecencyHalfLife,
        };

        var seen = new ulong[users][];
        for (int u = 0; u < users; u++) seen[u] = BitSet.Create(items);
        var popularity = new float[items];
        var bias = new float[items];
        var decayed = options.PopularityHalfLife > 0 ? new DecayedPopularity(items, options.PopularityHalfLife) : null;
        for (int e = 0; e < trainCount; e++)
        {
            int u = stream[e].User - 1, i = stream[e].Item - 1;
            online.Observe(u, i, confidence, 1f);
            BitSet.Set(seen[u], i);
            popularity[i]++;
            decayed?.Add(i, e);
        }
        Popularity.LogBias(popularity, options.PopularityWeight, bias);
        if (options.CategoryColdStart) CategoryCentroids.Initialize(model, data.Movies, data.Genres.Count, i => online.ItemInteractions(i) > 0);
        online.RefreshGrams();

        int alsHits = 0, popHits = 0, scored = 0, cold = 0, coldHits = 0;
        for (int e = trainCount; e < stream.Length; e++)
        {
            if ((e & 1023) == 0) cancellationToken.ThrowIfCancellationRequested();
            int u = stream[e].User - 1, i = stream[e].Item - 1;
            if (e >= trainCount + warmupCount)
            {
                scored++;
                int history = online.UserInteractions(u);
                float beta = options.PopularityWeight + (history > 0 ? options.SparseUserPopularityWeight / history : 0f);
                bool blend = beta != 0f;
                if (decayed is not null && blend) decayed.LogBias(beta, bias);
                else if (blend && beta != options.PopularityWeight) Popularity.LogBias(popularity, beta, bias);
                var pop = Popularity.Top(popularity, options.K, seen[u]);
                bool isCold = online.UserInteractions(u) == 0;
                var top = isCold ? ColdStart(pop, decayed, options.K, seen[u])
                    : online.Recommend(u, options.K, seen[u], blend ? bias : default);
                bool hit = Contains(top, i);
                if (hit) alsHits++;
                if (isCold) { cold++; if (hit) coldHits++; }
                if (Contains(pop, i)) popHits++;
            }
            if (options.RetrainEvery > 0 && e > trainCount && (e - trainCount) % options.RetrainEvery == 0)
            {
                var all = new InteractionMatrixBuilder(users, items);
                for (int j = 0; j < e; j++) all.Add(stream[j].User - 1, stream[j].Item - 1, confidence, 1f);
                ImplicitAls.Continue(model, all.Build(), options.Als, options.RetrainIterations, cancellationToken);
                online.RefreshGrams();
            }
            online.Learn(u, i, confidence, 1f);
            BitSet.Set(seen[u], i);
            popularity[i]++;
            decayed?.Add(i, e);
            if (decayed is null && options.SparseUserPopularityWeight == 0f) bias[i] = options.PopularityWeight * MathF.Log(1f + popularity[i]);
        }
        return new PrequentialResult(stream.Length, trainCount, warmupCount, scored, alsHits, popHits, watch.Elapsed) { ColdEvents = cold, ColdHits = coldHits };
    }

    /// <summary>A user with no history: the recent (decayed) popularity list when configured, else plain counts.</summary>
    private static ScoredItem[] ColdStart(ScoredItem[] popular, DecayedPopularity? decayed, int k, ReadOnlySpan<ulong> seen)
    {
        if (decayed is null) return popular;
        var recent = new float[decayed.Items];
        for (int i = 0; i < recent.Length; i++) recent[i] = (float)decayed[i];
        return Popularity.Top(recent, k, seen);
    }

    private static bool Contains(ScoredItem[] top, int item)
    {
        foreach (var s in top) if (s.Index == item) return true;
        return false;
    }
}
