using System.IO.Compression;
using System.Runtime.InteropServices;

namespace Recommender.Grains.Model;

/// <summary>
/// One trained model version as stored in Redis and loaded by every silo: the item and user
/// vectors, the training matrix by item (so an item grain can rebuild its row for the online
/// item step), and the Gram matrices. Immutable once built.
/// </summary>
public sealed class TrainedModel
{
    public required long Version { get; init; }
    public required DateTimeOffset TrainedAt { get; init; }
    public required int Factors { get; init; }
    public required float Regularization { get; init; }
    public required float Alpha { get; init; }
    public required string[] ItemIds { get; init; }
    public required string[] UserIds { get; init; }
    /// <summary>Y, items × k, row-major.</summary>
    public required float[] ItemFactors { get; init; }
    /// <summary>X, users × k, row-major.</summary>
    public required float[] UserFactors { get; init; }
    /// <summary>CSC of the training matrix: item i's users are ItemUsers[ItemOffsets[i]..ItemOffsets[i+1]).</summary>
    public required int[] ItemOffsets { get; init; }
    public required int[] ItemUsers { get; init; }
    /// <summary>Confidence c and preference p of each entry of the CSC.</summary>
    public required float[] ItemConfidence { get; init; }
    public required float[] ItemPreference { get; init; }
    public required long Interactions { get; init; }
    public required long TrainingMs { get; init; }
    /// <summary>Events in the log when the training read it (drift is measured against it).</summary>
    public required long EventsAtTraining { get; init; }
    /// <summary>Each user's log length when the training read it: a user with no event since keeps the trained vector as is.</summary>
    public required int[] UserLogLengths { get; init; }

    private Dictionary<string, int>? _userIndex, _itemIndex;

    public int UserIndex(string userId) =>
        (_userIndex ??= UserIds.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i, StringComparer.Ordinal))
        .GetValueOrDefault(userId, -1);

    public int ItemIndex(string itemId) =>
        (_itemIndex ??= ItemIds.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i, StringComparer.Ordinal))
        .GetValueOrDefault(itemId, -1);

    public ReadOnlySpan<float> UserVector(int user) => UserFactors.AsSpan(user * Factors, Factors);
    public ReadOnlySpan<float> ItemVector(int item) => ItemFactors.AsSpan(item * Factors, Factors);

    private const int FormatVersion = 2;

    public byte[] Serialize()
    {
        using var buffer = new MemoryStream();
        using (var zip = new BrotliStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        using (var w = new BinaryWriter(zip))
        {
            w.Write(FormatVersion);
            w.Write(Version); w.Write(TrainedAt.ToUnixTimeMilliseconds()); w.Write(Factors);
            w.Write(Regularization); w.Write(Alpha); w.Write(Interactions); w.Write(TrainingMs); w.Write(EventsAtTraining);
            WriteStrings(w, ItemIds); WriteStrings(w, UserIds);
            WriteArray(w, ItemFactors); WriteArray(w, UserFactors);
            WriteArray(w, ItemOffsets); WriteArray(w, ItemUsers); WriteArray(w, ItemConfidence); WriteArray(w, ItemPreference); WriteArray(w, UserLogLengths);
        }
        return buffer.ToArray();
    }

    public static TrainedModel Deserialize(byte[] data)
    {
        using var zip = new BrotliStream(new MemoryStream(data), CompressionMode.Decompress);
        using var r = new BinaryReader(zip);
        if (r.ReadInt32() != FormatVersion) throw new InvalidDataException("Unknown model format.");
        var version = r.ReadInt64(); var trainedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.ReadInt64()); var k = r.ReadInt32();
        var lambda = r.ReadSingle(); var alpha = r.ReadSingle(); var interactions = r.ReadInt64(); var ms = r.ReadInt64(); var events = r.ReadInt64();
        return new TrainedModel
        {
            Version = version, TrainedAt = trainedAt, Factors = k, Regularization = lambda, Alpha = alpha,
            Interactions = interactions, TrainingMs = ms, EventsAtTraining = events,
            ItemIds = ReadStrings(r), UserIds = ReadStrings(r),
            ItemFactors = ReadArray<float>(r), UserFactors = ReadArray<float>(r),
            ItemOffsets = ReadArray<int>(r), ItemUsers = ReadArray<int>(r),
            ItemConfidence = ReadArray<float>(r), ItemPreference = ReadArray<float>(r), UserLogLengths = ReadArray<int>(r),
        };
    }

    private static void WriteStrings(BinaryWriter w, string[] values) { w.Write(values.Length); foreach (var v in values) w.Write(v); }

    private static string[] ReadStrings(BinaryReader r)
    {
        var values = new string[r.ReadInt32()];
        for (var i = 0; i < values.Length; i++) values[i] = r.ReadString();
        return values;
    }

    private static void WriteArray<T>(BinaryWriter w, T[] values) where T : unmanaged
    {
        w.Write(values.Length);
        w.Write(MemoryMarshal.AsBytes(values.AsSpan()));
    }

    private static T[] ReadArray<T>(BinaryReader r) where T : unmanaged
    {
        var values = new T[r.ReadInt32()];
        var bytes = MemoryMarshal.AsBytes(values.AsSpan());
        var read = 0;
        while (read < bytes.Length)
        {
            var n = r.Read(bytes[read..]);
            if (n == 0) throw new EndOfStreamException();
            read += n;
        }
        return values;
    }
}
