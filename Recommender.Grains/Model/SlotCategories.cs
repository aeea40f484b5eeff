namespace Recommender.Grains.Model;

/// <summary>
/// The categories of every indexed item as small integer ids, by index slot: what the content
/// source of the hybrid reads (a user's weight per category id, an item's mean over its ids)
/// without a string lookup per item and request. Ids are handed out per silo on first sight.
/// Reads are lock-free (arrays are replaced, never resized in place); writes take a lock.
/// </summary>
public sealed class SlotCategories : Learning.ICategorySource
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _ids = new(StringComparer.OrdinalIgnoreCase);
    private volatile int[][] _bySlot = new int[1024][];
    private volatile int _count;

    /// <summary>How many distinct categories have an id.</summary>
    public int Count => _count;

    /// <summary>The ids of the item in <paramref name="slot"/> (empty if none or unknown).</summary>
    public ReadOnlySpan<int> Of(int slot)
    {
        var bySlot = _bySlot;
        return (uint)slot < (uint)bySlot.Length && bySlot[slot] is { } ids ? ids : [];
    }

    public int IdOf(string category)
    {
        lock (_gate) return _ids.TryGetValue(category, out var id) ? id : -1;
    }

    public void Set(int slot, string[] categories)
    {
        lock (_gate)
        {
            var ids = new int[categories.Length];
            for (var c = 0; c < categories.Length; c++)
            {
                if (!_ids.TryGetValue(categories[c], out var id)) _ids[categories[c]] = id = _ids.Count;
                ids[c] = id;
            }
            var bySlot = _bySlot;
            if (slot >= bySlot.Length)
            {
                var grown = new int[Math.Max(slot + 1, bySlot.Length * 2)][];
                bySlot.CopyTo(grown, 0);
                bySlot = grown;
            }
            bySlot[slot] = ids.Length == 0 ? [] : ids.Distinct().ToArray();
            _bySlot = bySlot;
            _count = _ids.Count;
        }
    }
}
