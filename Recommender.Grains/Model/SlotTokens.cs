using Recommender.Grains.Items;
using Recommender.Learning;

namespace Recommender.Grains.Model;

/// <summary>
/// Every indexed item's content tokens (<see cref="ItemTokens"/>) as small integer ids by slot, with
/// each token's slots: what cold-start vectors and exploration compare (<see cref="ContentNeighbours"/>).
/// Ids are handed out per silo on first sight. A record whose description did not change (most
/// updates are counters) is not re-tokenised. Readers run inside <see cref="Read{T}"/>, under the
/// same lock as writers: the lists change in place, and the readers (an item's description, a
/// request's few new items) are short.
/// </summary>
public sealed class SlotTokens : ITokenSource
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly List<List<int>> _postings = [];
    private readonly List<int[]> _bySlot = [];
    private readonly List<(string[] Categories, string? Properties)> _described = [];

    public int Described { get; private set; }

    public ReadOnlySpan<int> Of(int item) => (uint)item < (uint)_bySlot.Count ? _bySlot[item] : [];

    public ReadOnlySpan<int> ItemsWith(int token) =>
        (uint)token < (uint)_postings.Count ? System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_postings[token]) : [];

    /// <summary>The id of a token, −1 if no item carried it yet (call inside <see cref="Read{T}"/>).</summary>
    public int IdOf(string token) => _ids.TryGetValue(token, out var id) ? id : -1;

    public T Read<T>(Func<SlotTokens, T> read)
    {
        lock (_gate) return read(this);
    }

    public void Set(int slot, ItemRecord record)
    {
        lock (_gate)
        {
            while (_bySlot.Count <= slot)
            {
                _bySlot.Add([]);
                _described.Add(([], null));
            }
            var (categories, properties) = _described[slot];
            if (_bySlot[slot].Length > 0 && properties == record.Properties && categories.AsSpan().SequenceEqual(record.Categories)) return;
            _described[slot] = (record.Categories, record.Properties);
            var before = _bySlot[slot];
            var after = new SortedSet<int>();
            foreach (var token in ItemTokens.Of(record))
            {
                if (!_ids.TryGetValue(token, out var id))
                {
                    _ids[token] = id = _ids.Count;
                    _postings.Add([]);
                }
                after.Add(id);
            }
            foreach (var id in before) if (!after.Contains(id)) _postings[id].Remove(slot);
            foreach (var id in after) if (Array.BinarySearch(before, id) < 0) _postings[id].Add(slot);
            _bySlot[slot] = [.. after];
            Described += (after.Count > 0 ? 1 : 0) - (before.Length > 0 ? 1 : 0);
        }
    }
}
