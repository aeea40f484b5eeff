using Recommender.Grains.Users;

namespace Recommender.Grains.Ranking;

/// <summary>
/// A user's list as served: the engine's ranking (boosts are inside it), with rotation's recently
/// served items after every other item, then the promotions, then the page an offset asks for.
/// Used for answered lists and pushed ones alike, so a rule holds on both.
/// </summary>
public sealed class ListComposer(RankingEngine engine, Promotions promotions)
{
    /// <param name="pushDown">Items to rank after all others (rotation: served recently); empty for none.</param>
    /// <returns>Items ranked from offset + 1.</returns>
    public (RankedItem[] Items, string Strategy) Compose(UserTaste taste, RecommendQuery query, IReadOnlyCollection<string> pushDown)
    {
        string? strategy = null;
        RankedItem[] Organic(RecommendQuery q)
        {
            var (fresh, s) = engine.Rank(taste, pushDown.Count == 0 ? q : q with { Exclude = [.. q.Exclude, .. pushDown] });
            strategy ??= s;
            if (pushDown.Count == 0 || fresh.Length >= q.K) return fresh;
            // Fewer than k items were not served recently, so all of them are in `fresh`: what is left are served ones.
            var (stale, _) = engine.Rank(taste, q with { K = q.K - fresh.Length, Exclude = [.. q.Exclude, .. fresh.Select(i => i.ItemId)] });
            return [.. fresh, .. stale];
        }

        var whole = query with { K = query.K + query.Offset };
        var items = promotions.Apply(Organic(whole), taste, whole, Organic);
        var page = items.Skip(query.Offset).Take(query.K);
        return ([.. page.Select((item, r) => item with { Rank = query.Offset + r + 1 })], strategy ?? "popular");
    }
}
