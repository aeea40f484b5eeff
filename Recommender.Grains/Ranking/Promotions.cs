using Recommender.Grains.Items;
using Recommender.Grains.Rules;
using Recommender.Grains.Users;

namespace Recommender.Grains.Ranking;

/// <summary>
/// Puts the stored promotions (<c>/api/v1/promotions</c>) into a user's list of k items. Each active
/// promotion, in name order, gets n = round(k·slots/per) places (halves round up: k = 10, 2 per 10 → 2;
/// k = 5 → 1; k = 2 → 0), taken block by block of <c>per</c> at its positions (default: spread evenly,
/// the j-th of s at ⌊(j + ½)·per/s⌋ + 1, e.g. 3 and 8 for 2 per 10) and only below k. A place an
/// earlier promotion took is skipped, and all promotions together fill at most ⌊k/2⌋ places.
/// The places go to the user's best-scoring items that match the promotion's filter, found by
/// ranking again with the same query (so never a seen, excluded, unservable or request-filtered
/// item) restricted to the matching slots — one more ranking per active promotion. A promoted item
/// leaves its organic place (never twice in a list); the organic items shift down. Places no
/// matching item fills stay organic.
/// </summary>
public sealed class Promotions(RuleStore rules, ItemFilters filters, ItemIndex index, TimeProvider time)
{
    public const string Reason = "promoted";

    /// <param name="organic">The list as ranked without promotions (k = <paramref name="query"/>.K items at most).</param>
    /// <param name="rank">Ranks a query as <paramref name="organic"/> was ranked (rotation included).</param>
    public RankedItem[] Apply(RankedItem[] organic, UserTaste taste, RecommendQuery query, Func<RecommendQuery, RankedItem[]> rank)
    {
        var k = query.K;
        var stored = rules.PromotionsByName;
        if (!query.ApplyRules || stored.Length == 0 || k < 2) return organic;
        var now = time.GetUtcNow();
        var budget = k / 2;
        var placed = new SortedDictionary<int, RankedItem>();
        var taken = new List<string>();
        foreach (var promotion in stored)
        {
            if (placed.Count >= budget) break;
            if (!promotion.IsActive(now)) continue;
            var places = Places(promotion.Slots, promotion.Per, promotion.Positions, k).Where(p => !placed.ContainsKey(p)).Take(budget - placed.Count).ToArray();
            if (places.Length == 0) continue;
            if (filters.Matching(promotion.Filter, promotion.FilterName, index.Count, taste, now.ToUnixTimeMilliseconds()) is not { } matched) continue;
            var best = rank(query with { K = places.Length, Offset = 0, Within = matched, Exclude = [.. query.Exclude, .. taken] });
            for (var i = 0; i < best.Length && i < places.Length; i++)
            {
                placed[places[i]] = best[i] with { Reason = Reason, Promotion = promotion.Name };
                taken.Add(best[i].ItemId);
            }
        }
        return placed.Count == 0 ? organic : Merge(organic, placed, taken, k);
    }

    /// <summary>The 0-based places of a promotion in a list of <paramref name="k"/>, best first (see the class summary).</summary>
    public static int[] Places(int slots, int per, int[]? positions, int k)
    {
        if (slots <= 0 || per <= 0) return [];
        var n = (int)Math.Round((double)k * slots / per, MidpointRounding.AwayFromZero);
        var inBlock = positions is { Length: > 0 }
            ? positions.Order().Select(p => p - 1).ToArray()
            : Enumerable.Range(0, slots).Select(j => (int)((j + 0.5) * per / slots)).ToArray();
        var places = new List<int>(n);
        for (var start = 0; start < k && places.Count < n; start += per)
            foreach (var position in inBlock)
                if (start + position < k && places.Count < n) places.Add(start + position);
        return [.. places];
    }

    /// <summary>Promoted items at their places, the organic ones (without them) in order around them.</summary>
    private static RankedItem[] Merge(RankedItem[] organic, SortedDictionary<int, RankedItem> placed, List<string> taken, int k)
    {
        var promoted = new HashSet<string>(taken, StringComparer.Ordinal);
        var rest = organic.Where(i => !promoted.Contains(i.ItemId)).ToArray();
        var result = new List<RankedItem>(k);
        var next = 0;
        while (result.Count < k)
        {
            if (placed.TryGetValue(result.Count, out var item)) result.Add(item);
            else if (next < rest.Length) result.Add(rest[next++]);
            else break;
        }
        // A short list (fewer organic items than places before them): the promoted items still show, at its end.
        foreach (var (place, item) in placed)
            if (place >= result.Count && result.Count < k) result.Add(item);
        return [.. result.Select((item, r) => item with { Rank = r + 1 })];
    }
}
