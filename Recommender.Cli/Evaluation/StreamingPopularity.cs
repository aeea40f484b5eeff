namespace Recommender.Client.Evaluation;

/// <summary>
/// The prequential baseline: items ranked by how often they were seen so far in the stream,
/// excluding the items the user has already seen. Ties go to the item seen first.
/// </summary>
public sealed class StreamingPopularity
{
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly List<string> _items = [];
    private readonly List<int> _counts = [];
    private readonly Dictionary<string, HashSet<string>> _seenByUser = new(StringComparer.Ordinal);

    public void Observe(string userId, string itemId)
    {
        if (!_index.TryGetValue(itemId, out var i))
        {
            i = _items.Count;
            _index[itemId] = i;
            _items.Add(itemId);
            _counts.Add(0);
        }

        _counts[i]++;
        if (!_seenByUser.TryGetValue(userId, out var seen))
        {
            _seenByUser[userId] = seen = new HashSet<string>(StringComparer.Ordinal);
        }

        seen.Add(itemId);
    }

    /// <summary>The K most-seen items the user has not seen (a linear scan keeping a small sorted top list).</summary>
    public IReadOnlyList<string> TopK(string userId, int k)
    {
        _seenByUser.TryGetValue(userId, out var seen);
        var top = new List<int>(k + 1);
        for (var i = 0; i < _items.Count; i++)
        {
            if (seen?.Contains(_items[i]) == true)
            {
                continue;
            }

            if (top.Count == k && _counts[i] <= _counts[top[^1]])
            {
                continue;
            }

            var at = top.Count;
            while (at > 0 && _counts[top[at - 1]] < _counts[i])
            {
                at--;
            }

            top.Insert(at, i);
            if (top.Count > k)
            {
                top.RemoveAt(k);
            }
        }

        return top.Select(i => _items[i]).ToList();
    }
}
