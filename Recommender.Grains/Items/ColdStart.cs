using Recommender.Grains.Model;
using Recommender.Learning;

namespace Recommender.Grains.Items;

/// <summary>
/// The starting vector of an item the current model did not train on: the similarity-weighted mean
/// of the vectors of its <see cref="ContentNeighbours.DefaultNeighbours"/> most similar trained items
/// (<see cref="ContentNeighbours"/>: weighted Jaccard over categories and property tokens). ALS then
/// scores it for the users whose taste lies near those neighbours before anyone touched it, and the
/// online item step starts from it at the first event. Only trained items are neighbours: averaging
/// other cold vectors would compound guesses. Null when nothing shares a token with the item.
/// </summary>
public static class ColdStart
{
    /// <summary>For an item being described (it may not be in the index yet): its own record's tokens.</summary>
    public static float[]? Vector(ModelSnapshot snapshot, SlotTokens tokens, ItemRecord record, int selfSlot)
    {
        if (snapshot.Model is null) return null;
        var words = ItemTokens.Of(record);
        return tokens.Read(source =>
        {
            var ids = new List<int>(words.Count);
            foreach (var word in words) if (source.IdOf(word) is var id and >= 0) ids.Add(id);
            ids.Sort();
            return Average(snapshot.Vectors, snapshot.Factors, snapshot.ItemOfSlot, source, [.. ids.Distinct()], selfSlot);
        });
    }

    /// <summary>The mean of the neighbours' rows of <paramref name="vectors"/> (k per slot); call inside <see cref="SlotTokens.Read{T}"/>.</summary>
    public static float[]? Average(float[] vectors, int k, int[] itemOfSlot, SlotTokens source, ReadOnlySpan<int> tokenIds, int selfSlot)
    {
        var rows = vectors.Length / Math.Max(1, k);
        var neighbours = ContentNeighbours.Nearest(source, tokenIds,
            slot => slot != selfSlot && slot < rows && slot < itemOfSlot.Length && itemOfSlot[slot] >= 0);
        var y = new float[k];
        return ContentNeighbours.Average(neighbours, vectors, k, y) ? y : null;
    }
}
