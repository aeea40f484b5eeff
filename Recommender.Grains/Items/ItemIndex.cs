using System.Collections.Concurrent;

namespace Recommender.Grains.Items;

/// <summary>
/// Per-silo read replica of the catalog: every item's record in a slot array that user grains
/// scan in-process (no fan-out to item grains). Fed by <see cref="ItemChangePublisher"/> and
/// <see cref="ItemIndexSync"/>; correctness never depends on it being up to the millisecond.
/// Reads are lock-free; writes take a lock and never let an older record replace a newer one.
/// </summary>
public sealed class ItemIndex
{
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<string, int> _slotOf = new(StringComparer.Ordinal);
    private ItemRecord?[] _records = new ItemRecord?[1024];
    private int _count;
    private long _changes;
    private (long Changes, int[] Slots) _popular = (-1, []);
    // Deleted or hidden slots (bit per slot, grown under the lock, read lock-free), and the slots whose
    // availability window opens or closes with time: few in most catalogues, checked against the
    // clock at every request so that an expiry holds to the millisecond with no job to run it.
    private ulong[] _blocked = new ulong[1024 / 64];
    private readonly HashSet<int> _timedSet = [];
    private int[] _timed = [];

    /// <summary>Number of slots in use (slots are never reused, so a slot id is stable).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Increases with every applied change; caches compare it to know they are stale.</summary>
    public long Changes => Interlocked.Read(ref _changes);

    /// <summary>Raised after a record was applied (slot, record); used by the model's item vectors.</summary>
    public event Action<int, ItemRecord>? Applied;

    /// <summary>Every item's properties and described fields by slot, for filters (see <see cref="FilterFields"/>).</summary>
    public Recommender.Rules.PropertyColumns Columns { get; } = new();

    public int SlotOf(string itemId) => _slotOf.TryGetValue(itemId, out var slot) ? slot : -1;

    public ItemRecord? At(int slot) => slot >= 0 && slot < Count ? Volatile.Read(ref _records)[slot] : null;

    public bool TryGet(string itemId, out ItemRecord record)
    {
        record = At(SlotOf(itemId))!;
        return record is not null;
    }

    /// <summary>The records currently held; the span stays valid (a grow copies into a new array).</summary>
    public ReadOnlySpan<ItemRecord?> Records => Volatile.Read(ref _records).AsSpan(0, Count);

    public int Apply(ItemRecord record)
    {
        int slot;
        lock (_gate)
        {
            ItemRecord? current = null;
            if (_slotOf.TryGetValue(record.ItemId, out slot))
            {
                current = _records[slot];
                if (current is not null && current.Version > record.Version) return slot;
            }
            else
            {
                slot = _count;
                if (slot == _records.Length) Array.Resize(ref _records, slot * 2);
                _slotOf[record.ItemId] = slot;
            }
            Volatile.Write(ref _records[slot], record);
            if (slot == _count) Volatile.Write(ref _count, slot + 1);
            Block(slot, record.Deleted || record.Hidden);
            // Counter updates (most changes) leave the described part alone: the columns move only when it changed.
            if (current is null || !FilterFields.SameDescription(current, record))
                Columns.Replace(slot, current is null ? null : FilterFields.Of(current), FilterFields.Of(record));
            if (record.IsTimed ? _timedSet.Add(slot) : _timedSet.Remove(slot)) Volatile.Write(ref _timed, [.. _timedSet]);
            Interlocked.Increment(ref _changes);
        }
        Applied?.Invoke(slot, record);
        return slot;
    }

    private void Block(int slot, bool blocked)
    {
        var words = Volatile.Read(ref _blocked);
        if ((slot >> 6) >= words.Length)
        {
            if (!blocked) return;
            Array.Resize(ref words, Math.Max(words.Length * 2, (slot >> 6) + 1));
            Volatile.Write(ref _blocked, words);
        }
        if (blocked) Interlocked.Or(ref words[slot >> 6], 1UL << (slot & 63));
        else Interlocked.And(ref words[slot >> 6], ~(1UL << (slot & 63)));
    }

    /// <summary>
    /// Sets in <paramref name="excluded"/> (bit per slot, the first <paramref name="count"/> slots)
    /// every item that may not be served at <paramref name="nowMs"/>: deleted, hidden, not yet
    /// available or expired. O(slots/64 + timed items).
    /// </summary>
    public void AddUnservable(Span<ulong> excluded, int count, long nowMs)
    {
        var blocked = Volatile.Read(ref _blocked);
        var words = Math.Min(Math.Min(excluded.Length, blocked.Length), (count + 63) >> 6);
        for (var w = 0; w < words; w++) excluded[w] |= blocked[w];
        foreach (var slot in Volatile.Read(ref _timed))
            if (slot < count && At(slot) is { } record && !record.IsServable(nowMs)) excluded[slot >> 6] |= 1UL << (slot & 63);
        // A word copied whole may set bits past count: every caller's scan stops at count.
    }

    public bool IsServable(int slot, long nowMs) => At(slot) is { } record && record.IsServable(nowMs);

    /// <summary>Slots ordered by decayed popularity, most popular first (cached until the next change).</summary>
    public int[] PopularSlots()
    {
        var cached = _popular;
        var changes = Changes;
        if (cached.Changes == changes) return cached.Slots;
        var records = Records;
        var slots = new int[records.Length];
        var keys = new double[records.Length];
        for (var i = 0; i < slots.Length; i++)
        {
            slots[i] = i;
            // Items nobody touched yet sort by total interactions (0) below every touched one.
            keys[i] = -(records[i]?.PopularityLog ?? double.NegativeInfinity);
        }
        Array.Sort(keys, slots);
        _popular = (changes, slots);
        return slots;
    }

    /// <summary>
    /// The popularity source of the hybrid by slot, from the live counters: ln(1 + positive
    /// interactions) / ln(1 + the most), in [0, 1] — what the training measures on its log, kept
    /// current so that an item that becomes popular between trainings counts at once. Cached; rebuilt
    /// at most once a second while changes arrive (an O(items) pass).
    /// </summary>
    public float[] PopularityScores()
    {
        var cached = _scores;
        var changes = Changes;
        if (cached.Changes == changes || (cached.Scores.Length == Count && Environment.TickCount64 - cached.At < 1000)) return cached.Scores;
        var records = Records;
        var scores = new float[records.Length];
        var max = 0f;
        for (var i = 0; i < records.Length; i++)
        {
            if (records[i] is not { } record) continue;
            var positive = record.TotalInteractions - record.Counts[(int)Domain.EventType.Dislike];
            scores[i] = MathF.Log(1f + Math.Max(0, positive));
            max = Math.Max(max, scores[i]);
        }
        if (max > 0f) for (var i = 0; i < scores.Length; i++) scores[i] /= max;
        _scores = (changes, Environment.TickCount64, scores);
        return scores;
    }

    private (long Changes, long At, float[] Scores) _scores = (-1, 0, []);

    /// <summary>Every category with its item count.</summary>
    public IReadOnlyDictionary<string, int> Categories()
    {
        var counts = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var record in Records)
        {
            if (record is null || record.Deleted) continue;
            foreach (var category in record.Categories) counts[category] = counts.GetValueOrDefault(category) + 1;
        }
        return counts;
    }
}
