using System.Numerics.Tensors;
using Recommender.Grains.Items;
using Recommender.Grains.Model;

namespace Recommender.Grains.Ranking;

/// <summary>
/// "Because you liked X": X is the user's positively rated history item whose vector is closest
/// (cosine) to the recommended item's — the history item that most supports it in the embedding —
/// worded by what the user did with it (<see cref="Because"/>: viewed, liked, rated, bought…).
/// Items the model cannot relate to the history are explained by popularity.
/// </summary>
public sealed class EmbeddingExplainer
{
    private readonly ModelSnapshot _snapshot;
    private readonly List<(int Slot, string Reason)> _history = [];

    public EmbeddingExplainer(UserTaste taste, ItemIndex index, ModelSnapshot snapshot)
    {
        _snapshot = snapshot;
        foreach (var (itemId, affinity) in taste.Items)
        {
            if (affinity.Negative) continue;
            var slot = index.SlotOf(itemId);
            if (slot >= 0 && slot < snapshot.Capacity && index.At(slot) is { } record) _history.Add((slot, Because.Of(affinity, record.Title)));
        }
    }

    public string Why(int slot, ItemRecord record)
    {
        var y = _snapshot.ItemVector(slot);
        var bestScore = 0.2f; // below this cosine the link is too weak to claim
        string? best = null;
        foreach (var (historySlot, reason) in _history)
        {
            var h = _snapshot.ItemVector(historySlot);
            var similarity = TensorPrimitives.CosineSimilarity(y, h);
            if (similarity > bestScore) { bestScore = similarity; best = reason; }
        }
        return best is not null ? best
            : record.Categories.Length > 0 ? $"popular in {record.Categories[0]}"
            : "popular";
    }
}
