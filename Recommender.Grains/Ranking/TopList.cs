namespace Recommender.Grains.Ranking;

/// <summary>
/// Keeps the K best (slot, score) pairs with a bounded min-heap: O(n log K) over n offers. Equal
/// scores rank the lower slot first, so a list of 20 and its slice from 6 to 10 asked with an
/// offset agree (pre-model scores tie often: a share of one category, a popularity percentile).
/// </summary>
public sealed class TopList(int capacity)
{
    private readonly PriorityQueue<int, (float Score, int Slot)> _heap = new(capacity + 1, WorstFirst.Instance);

    public void Offer(int slot, float score)
    {
        if (capacity <= 0) return;
        if (_heap.Count < capacity) { _heap.Enqueue(slot, (score, slot)); return; }
        if (_heap.TryPeek(out _, out var worst) && WorstFirst.Instance.Compare((score, slot), worst) > 0) _heap.EnqueueDequeue(slot, (score, slot));
    }

    /// <summary>The kept pairs, best first.</summary>
    public (int Slot, float Score)[] Sorted()
    {
        var result = new (int Slot, float Score)[_heap.Count];
        for (var i = result.Length - 1; i >= 0; i--)
        {
            _heap.TryDequeue(out var slot, out var priority);
            result[i] = (slot, priority.Score);
        }
        return result;
    }

    /// <summary>Orders worse before better: a lower score, or an equal score and a higher slot.</summary>
    private sealed class WorstFirst : IComparer<(float Score, int Slot)>
    {
        public static readonly WorstFirst Instance = new();

        public int Compare((float Score, int Slot) a, (float Score, int Slot) b)
        {
            var byScore = a.Score.CompareTo(b.Score);
            return byScore != 0 ? byScore : b.Slot.CompareTo(a.Slot);
        }
    }
}
