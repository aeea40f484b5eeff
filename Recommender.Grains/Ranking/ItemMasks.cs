using Recommender.Grains.Items;
using Recommender.Grains.Users;
using Recommender.Learning;

namespace Recommender.Grains.Ranking;

/// <summary>
/// The one place that decides which slots a ranking may not return, as a bitset over this silo's
/// index (bit set = excluded): what the user already interacted with, the request's exclusions,
/// items that may not be served now (deleted, hidden, outside their availability window), another
/// category than the one asked for, and items the request's filter rejects. Every list — personal,
/// popular, similar, pushed — goes through it, so a rule holds everywhere at once.
/// </summary>
public sealed class ItemMasks(ItemIndex index, ItemFilters filters, TimeProvider time)
{
    public ulong[] Excluded(UserTaste taste, RecommendQuery query, int count)
    {
        var excluded = BitSet.Create(count);
        foreach (var itemId in taste.Items.Keys) if (index.SlotOf(itemId) is var slot and >= 0 && slot < count) BitSet.Set(excluded, slot);
        foreach (var itemId in query.Exclude) if (index.SlotOf(itemId) is var slot and >= 0 && slot < count) BitSet.Set(excluded, slot);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        index.AddUnservable(excluded, count, now);
        filters.Exclude(excluded, count, query, taste, now);
        if (query.Category is { } category)
        {
            var records = index.Records;
            for (var slot = 0; slot < count && slot < records.Length; slot++)
                if (records[slot] is not { } record || !record.Categories.Contains(category, StringComparer.OrdinalIgnoreCase)) BitSet.Set(excluded, slot);
        }
        // A list restricted to some slots (a promotion's candidates): everything outside them is excluded.
        if (query.Within is { } within)
            for (var w = 0; w < excluded.Length; w++) excluded[w] |= w < within.Length ? ~within[w] : ulong.MaxValue;
        return excluded;
    }

    /// <summary>Only what may be served now and passes the request's rules (for lists with no user: similar items).</summary>
    public ulong[] Excluded(RecommendQuery query, int count) => Excluded(UserTaste.Empty, query, count);
}
