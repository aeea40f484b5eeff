namespace Recommender.Rules;

/// <summary>
/// The slots that hold one value of one property (or one kind, or the property at all).
/// A short list of slots while the value is rare, a bitset once it is common: a dense bitset per
/// value would cost n/8 bytes even for a title held by one item (100k titles × 12.5 KB), while a
/// list of a common value would cost 4 bytes per slot and a scattered OR. The switch happens past
/// max(64, slots/64) entries, where the bitset is at most twice the list's size; it is one-way
/// (a shrinking value keeps its bitset until it is empty and dropped).
/// <para>
/// One writer, any number of concurrent readers, no locks: the list grows by copy then publish,
/// appends write the entry before the count, removal moves the last entry over the removed one
/// before the count drops, so a reader that read the count first sees every entry that stays
/// (possibly one twice, which OR ignores). Bitset words are stored whole (64-bit stores are atomic).
/// </para>
/// </summary>
internal sealed class Posting
{
    private const int MinDense = 64;

    private int[] _list = new int[2];
    private int _listCount;
    private ulong[]? _bits;

    /// <summary>Slots held; the writer's alone.</summary>
    public int Count { get; private set; }

    /// <param name="slots">The columns' slot count, to size a bitset.</param>
    public void Add(int slot, int slots)
    {
        if (_bits is { } bits)
        {
            if (slot >> 6 >= bits.Length) bits = Grow(bits, slot);
            var bit = 1UL << slot;
            if ((bits[slot >> 6] & bit) != 0) return;
            Volatile.Write(ref bits[slot >> 6], bits[slot >> 6] | bit);
            Count++;
            return;
        }
        if (_listCount == _list.Length)
        {
            var longer = new int[_list.Length * 2];
            _list.CopyTo(longer, 0);
            Volatile.Write(ref _list, longer);
        }
        _list[_listCount] = slot;
        Volatile.Write(ref _listCount, _listCount + 1);
        Count++;
        if (Count > Math.Max(MinDense, slots >> 6)) ToBits(Math.Max(slots, slot + 1));
    }

    public void Remove(int slot)
    {
        if (_bits is { } bits)
        {
            var bit = 1UL << slot;
            if (slot >> 6 >= bits.Length || (bits[slot >> 6] & bit) == 0) return;
            Volatile.Write(ref bits[slot >> 6], bits[slot >> 6] & ~bit);
            Count--;
            return;
        }
        var at = Array.IndexOf(_list, slot, 0, _listCount);
        if (at < 0) return;
        var last = _listCount - 1;
        Volatile.Write(ref _list[at], _list[last]);
        Volatile.Write(ref _listCount, last);
        Count--;
    }

    /// <summary>into |= this, for slots below count.</summary>
    public void OrInto(Span<ulong> into, int count)
    {
        if (Volatile.Read(ref _bits) is { } bits)
        {
            Bits.Or(into, bits);
            if (into.Length > 0) into[^1] &= Bits.TailMask(count);
            return;
        }
        var n = Volatile.Read(ref _listCount);
        var list = Volatile.Read(ref _list);
        n = Math.Min(n, list.Length);
        for (var i = 0; i < n; i++)
        {
            var slot = list[i];
            if ((uint)slot < (uint)count) into[slot >> 6] |= 1UL << slot;
        }
    }

    /// <summary>into &amp;= ~this.</summary>
    public void AndNotInto(Span<ulong> into, int count)
    {
        if (Volatile.Read(ref _bits) is { } bits)
        {
            Bits.AndNot(into, bits);
            return;
        }
        var n = Volatile.Read(ref _listCount);
        var list = Volatile.Read(ref _list);
        n = Math.Min(n, list.Length);
        for (var i = 0; i < n; i++)
        {
            var slot = list[i];
            if ((uint)slot < (uint)count) into[slot >> 6] &= ~(1UL << slot);
        }
    }

    private void ToBits(int slots)
    {
        var bits = new ulong[Capacity(slots - 1)];
        for (var i = 0; i < _listCount; i++) Bits.Set(bits, _list[i]);
        // The list stays as it is: a reader that saw no bitset yet still reads it, whole.
        Volatile.Write(ref _bits, bits);
    }

    /// <summary>Copy on grow, doubling: a reader keeps the old array, which stays valid (only stale).</summary>
    private ulong[] Grow(ulong[] bits, int slot)
    {
        var bigger = new ulong[Math.Max(Capacity(slot), bits.Length * 2)];
        bits.CopyTo(bigger, 0);
        Volatile.Write(ref _bits, bigger);
        return bigger;
    }

    private static int Capacity(int slot) => Math.Max(4, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)(slot >> 6) + 1));
}
