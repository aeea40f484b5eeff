namespace Recommender.Grains.Ranking;

/// <summary>Keeps the K best (slot, score) pairs with a bounded min-heap: O(n log K) over n offers.</summary>
public sealed class TopList(int capacity)
{
    private readonly PriorityQueue<int, float> _heap = new(capacity + 1);

    public void Offer(int slot, float score)
    {
        if (_heap.Count < capacity) { _heap.Enqueue(slot, score); return; }
        if (_heap.TryPeek(out _, out var worst) && score > worst) _heap.EnqueueDequeue(slot, score);
    }

    /// <summary>The kept pairs, best first.</summary>
    public (int Slot, float Score)[] Sorted()
    {
        var result = new (int Slot, float Score)[_heap.Count];
        for (var i = result.Length - 1; i >= 0; i--)
        {
            _heap.TryDequeue(out var slot, out var score);
            result[i] = (slot, score);
        }
        return result;
    }
}
