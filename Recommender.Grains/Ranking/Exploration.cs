using Microsoft.Extensions.Options;
using Recommender.Grains.Items;
using Recommender.Grains.Model;
using Recommender.Grains.Users;
using Recommender.Learning;

namespace Recommender.Grains.Ranking;

/// <summary>
/// The exploration share of a personal list (AWS Personalize's explorationWeight with its age
/// cut-off). An item is <b>new</b> while it was created within <see cref="ExplorationOptions.MaxAge"/>
/// and the last training did not see it — a content start or an online vector does not make it old;
/// the next training that includes its events does. Of a list of k, n = round(k·share) places (half
/// away from zero) go to the new items that pass every rule of the request and best match what the
/// user likes, by <see cref="ContentNeighbours.Affinity"/> of the item's tokens against the user's
/// token profile (profile_t = the signed share of the user's evidence on items carrying t: categories
/// come in as <c>cat:</c> tokens, brands and tags as theirs); ties go to the newer item. They take the
/// 1-based positions p_j = ⌊j·(k + 1)/(n + 1)⌋, j = 1…n — spread evenly, never all at the top — with
/// reason "new"; the organic ranking fills the other places in its order. With fewer new items than
/// n the remaining places stay organic. Every returned item that is new is marked
/// <see cref="RankedItem.IsNew"/>, organic or not.
/// </summary>
public sealed class Exploration(ItemIndex index, LiveModel live, ItemMasks masks, IOptions<ExplorationOptions> options, TimeProvider time)
{
    private readonly ExplorationOptions _options = options.Value;

    /// <summary>n = round(k·share), the share clamped to [0, 1].</summary>
    public int Places(RecommendQuery query) =>
        (int)Math.Round(query.K * Math.Clamp(query.Exploration ?? _options.Share, 0.0, 1.0), MidpointRounding.AwayFromZero);

    /// <summary>The positions (1-based) of n exploration places in a list of k.</summary>
    public static int[] Positions(int k, int n)
    {
        var positions = new int[Math.Min(n, k)];
        for (var j = 1; j <= positions.Length; j++) positions[j - 1] = j * (k + 1) / (positions.Length + 1);
        return positions;
    }

    public bool IsNew(ItemRecord record, ModelSnapshot snapshot, long nowMs) =>
        nowMs - record.CreatedAt <= (long)_options.MaxAge.TotalMilliseconds && snapshot.Model?.ItemIndex(record.ItemId) is null or < 0;

    /// <summary>Marks the new items of a list (popular, latest, similar) without changing it.</summary>
    public RankedItem[] Mark(RankedItem[] items)
    {
        var snapshot = live.Current;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        for (var r = 0; r < items.Length; r++)
            if (index.TryGet(items[r].ItemId, out var record) && IsNew(record, snapshot, now)) items[r] = items[r] with { IsNew = true };
        return items;
    }

    /// <summary>
    /// The list of k from an organic ranking of at least k + <paramref name="places"/> items (so that
    /// new items it already holds can move to exploration places without leaving a gap).
    /// </summary>
    public RankedItem[] Mix(RankedItem[] organic, UserTaste taste, RecommendQuery query, int places)
    {
        var k = query.K;
        var chosen = places > 0 ? Choose(taste, query, places) : [];
        var result = new List<RankedItem>(k);
        var positions = Positions(k, chosen.Length);
        var taken = chosen.Select(c => c.ItemId).ToHashSet(StringComparer.Ordinal);
        var rest = organic.Where(i => !taken.Contains(i.ItemId)).GetEnumerator();
        var next = 0;
        while (result.Count < k)
        {
            if (next < positions.Length && positions[next] == result.Count + 1) result.Add(chosen[next++]);
            else if (rest.MoveNext()) result.Add(rest.Current);
            else if (next < chosen.Length) result.Add(chosen[next++]);
            else break;
        }
        for (var r = 0; r < result.Count; r++) result[r] = result[r] with { Rank = r + 1 };
        return Mark([.. result]);
    }

    /// <summary>The best-matching new items that pass the request's rules, at most <paramref name="n"/>.</summary>
    private RankedItem[] Choose(UserTaste taste, RecommendQuery query, int n)
    {
        var snapshot = live.Current;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var count = index.Count;
        var excluded = masks.Excluded(taste, query, count);
        var fresh = new List<(int Slot, ItemRecord Record)>();
        var records = index.Records;
        for (var slot = 0; slot < count && slot < records.Length; slot++)
            if (records[slot] is { } record && !BitSet.Contains(excluded, slot) && IsNew(record, snapshot, now)) fresh.Add((slot, record));
        if (fresh.Count == 0) return [];
        var scored = live.Tokens.Read(source =>
        {
            var profile = Profile(taste, source);
            return fresh.Select(f => (f.Record, f.Slot, Score: ContentNeighbours.Affinity(source, profile, source.Of(f.Slot)))).ToArray();
        });
        return [.. scored.OrderByDescending(s => s.Score).ThenByDescending(s => s.Record.CreatedAt).ThenBy(s => s.Slot).Take(n)
            .Select(s => new RankedItem
            {
                ItemId = s.Record.ItemId, Title = s.Record.Title, Categories = s.Record.Categories, Score = s.Score, Reason = "new", IsNew = true,
            })];
    }

    /// <summary>profile_t = Σ_{cells j ∋ t} ±s_j / Σ_j s_j: the signed share of the user's evidence on items carrying token t.</summary>
    private Dictionary<int, float> Profile(UserTaste taste, SlotTokens source)
    {
        var profile = new Dictionary<int, float>();
        var total = 0f;
        foreach (var (itemId, affinity) in taste.Items)
        {
            if (index.SlotOf(itemId) is not (var slot and >= 0)) continue;
            var signed = affinity.Negative ? -affinity.Strength : affinity.Strength;
            total += Math.Abs(affinity.Strength);
            foreach (var t in source.Of(slot)) profile[t] = profile.GetValueOrDefault(t) + signed;
        }
        if (total > 0f) foreach (var t in profile.Keys) profile[t] /= total;
        return profile;
    }
}
