namespace Recommender.Grains.Model;

/// <summary>
/// One item's column of the implicit-feedback matrix with its users' vectors, packed for the
/// online ALS item step: rows 0..Count are users, with their vectors, c and p.
/// Seeded from the training matrix of the model version, then updated by each event. The row keeps
/// a reference to each user's vector: a user grain on the same silo hands over its live array
/// (Orleans does not copy [Immutable] arguments locally), so later re-fits of that user are seen
/// here too, as in exact alternating least squares; from another silo it is a copy as of the
/// event. <see cref="Pack"/> copies the current values into a caller's (pooled) buffer before a
/// step, so a row holds references, not a second copy of every vector.
/// Bounded: beyond the limit the stalest user is replaced.
/// </summary>
public sealed class ItemRow
{
    private readonly int _k;
    private readonly int _limit;
    private readonly Dictionary<string, int> _position = new(StringComparer.Ordinal);
    private string[] _users;
    private float[][] _sources;
    private long[] _touched;
    private long _clock;

    public long Version { get; }
    public int Count { get; private set; }
    public float[] Confidence { get; private set; }
    public float[] Preference { get; private set; }

    private ItemRow(int k, long version, int capacity, int limit)
    {
        _k = k; _limit = limit; Version = version;
        capacity = Math.Clamp(capacity, 4, limit);
        Confidence = new float[capacity];
        Preference = new float[capacity];
        _users = new string[capacity];
        _sources = new float[capacity][];
        _touched = new long[capacity];
    }

    /// <summary>The item's training column in <paramref name="model"/> (empty for an item the model never saw).</summary>
    public static ItemRow FromModel(TrainedModel model, string itemId, int limit)
    {
        var item = model.ItemIndex(itemId);
        var start = item < 0 ? 0 : model.ItemOffsets[item];
        var end = item < 0 ? 0 : model.ItemOffsets[item + 1];
        var row = new ItemRow(model.Factors, model.Version, end - start + 8, limit);
        for (var j = start; j < end; j++)
        {
            var user = model.ItemUsers[j];
            row.Set(model.UserIds[user], model.UserVector(user).ToArray(), model.ItemConfidence[j], model.ItemPreference[j]);
        }
        return row;
    }

    public void Set(string userId, float[] vector, float confidence, float preference)
    {
        if (!_position.TryGetValue(userId, out var at))
        {
            if (Count == _limit) at = Evict();
            else
            {
                if (Count == Confidence.Length) Grow();
                at = Count++;
            }
            _position[userId] = at;
            _users[at] = userId;
        }
        _sources[at] = vector;
        Confidence[at] = confidence;
        Preference[at] = preference;
        _touched[at] = ++_clock;
    }

    /// <summary>Drops a user from the row (the last row moves into its place).</summary>
    public void Remove(string userId)
    {
        if (!_position.Remove(userId, out var at)) return;
        var last = --Count;
        if (at != last)
        {
            _users[at] = _users[last];
            _sources[at] = _sources[last];
            Confidence[at] = Confidence[last];
            Preference[at] = Preference[last];
            _touched[at] = _touched[last];
            _position[_users[at]] = at;
        }
        _users[last] = null!;
        _sources[last] = null!;
    }

    private int Evict()
    {
        var stalest = 0;
        for (var i = 1; i < Count; i++) if (_touched[i] < _touched[stalest]) stalest = i;
        _position.Remove(_users[stalest]);
        return stalest;
    }

    private void Grow()
    {
        var capacity = Math.Min(_limit, Confidence.Length * 2);
        Confidence = Resize(Confidence, capacity);
        Preference = Resize(Preference, capacity);
        _users = Resize(_users, capacity);
        _sources = Resize(_sources, capacity);
        _touched = Resize(_touched, capacity);
    }

    /// <summary>Copies every user's current vector into <paramref name="packed"/> (row-major, Count × k).</summary>
    public void Pack(Span<float> packed)
    {
        for (var i = 0; i < Count; i++) _sources[i].AsSpan(0, _k).CopyTo(packed.Slice(i * _k, _k));
    }

    private static T[] Resize<T>(T[] array, int length)
    {
        Array.Resize(ref array, length);
        return array;
    }

    /// <summary>0, 1, …, n−1: the row indices the item step iterates over.</summary>
    public static ReadOnlySpan<int> Sequence(int n)
    {
        if (_sequence.Length < n)
        {
            var grown = new int[Math.Max(n, _sequence.Length * 2)];
            for (var i = 0; i < grown.Length; i++) grown[i] = i;
            _sequence = grown;
        }
        return _sequence.AsSpan(0, n);
    }

    private static int[] _sequence = [];
}
