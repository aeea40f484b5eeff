using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text.Json;
using Recommender.Learning;

namespace Recommender.Grains.Model;

/// <summary>
/// One trained model version as stored in Redis and loaded by every silo: the settings the
/// training chose (evidence curve, ALS, item-item model, blend), the item and user vectors, the
/// item-item neighbours, the training popularity, the training matrix by item (so an item grain
/// can rebuild its row for the online item step) and the report of the choice. Immutable once built.
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
    /// <summary>What the training chose: the evidence curve (with its scale), ALS, the item-item model and the blend.</summary>
    public ModelSettings Settings { get; init; } = new();
    /// <summary>The item-item model over <see cref="ItemIds"/> (null when the blend does not use one).</summary>
    public ItemNeighbours? ItemItem { get; init; }
    /// <summary>The popularity source per item of <see cref="ItemIds"/>, in [0, 1].</summary>
    public float[] Popularity { get; init; } = [];
    /// <summary>Why these settings serve, with every candidate's validation figure.</summary>
    public ModelChoice Choice { get; init; } = new();

    private Dictionary<string, int>? _userIndex, _itemIndex;

    public int UserIndex(string userId) =>
        (_userIndex ??= UserIds.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i, StringComparer.Ordinal))
        .GetValueOrDefault(userId, -1);

    public int ItemIndex(string itemId) =>
        (_itemIndex ??= ItemIds.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i, StringComparer.Ordinal))
        .GetValueOrDefault(itemId, -1);

    public ReadOnlySpan<float> UserVector(int user) => UserFactors.AsSpan(user * Factors, Factors);
    public ReadOnlySpan<float> ItemVector(int item) => ItemFactors.AsSpan(item * Factors, Factors);

    private const int FormatVersion = 3;

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
            w.Write(JsonSerializer.Serialize(Settings, Json));
            w.Write(JsonSerializer.Serialize(Choice, Json));
            WriteArray(w, Popularity);
            w.Write(ItemItem is not null);
            if (ItemItem is { } n) { WriteArray(w, n.Offsets); WriteArray(w, n.Columns); WriteArray(w, n.Weights); }
        }
        return buffer.ToArray();
    }

    public static TrainedModel Deserialize(byte[] data)
    {
        using var zip = new BrotliStream(new MemoryStream(data), CompressionMode.Decompress);
        using var r = new BinaryReader(zip);
        if (r.ReadInt32() != FormatVersion) throw new InvalidDataException("Unknown model format (a model of an earlier release: the next training replaces it).");
        var version = r.ReadInt64(); var trainedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.ReadInt64()); var k = r.ReadInt32();
        var lambda = r.ReadSingle(); var alpha = r.ReadSingle(); var interactions = r.ReadInt64(); var ms = r.ReadInt64(); var events = r.ReadInt64();
        var itemIds = ReadStrings(r);
        var userIds = ReadStrings(r);
        var itemFactors = ReadArray<float>(r);
        var userFactors = ReadArray<float>(r);
        var offsets = ReadArray<int>(r);
        var users = ReadArray<int>(r);
        var confidence = ReadArray<float>(r);
        var preference = ReadArray<float>(r);
        var lengths = ReadArray<int>(r);
        var settings = JsonSerializer.Deserialize<ModelSettings>(r.ReadString(), Json)!;
        var choice = JsonSerializer.Deserialize<ModelChoice>(r.ReadString(), Json)!;
        var popularity = ReadArray<float>(r);
        var itemItem = r.ReadBoolean() ? new ItemNeighbours(itemIds.Length, ReadArray<int>(r), ReadArray<int>(r), ReadArray<float>(r)) : null;
        return new TrainedModel
        {
            Version = version, TrainedAt = trainedAt, Factors = k, Regularization = lambda, Alpha = alpha,
            Interactions = interactions, TrainingMs = ms, EventsAtTraining = events,
            ItemIds = itemIds, UserIds = userIds, ItemFactors = itemFactors, UserFactors = userFactors,
            ItemOffsets = offsets, ItemUsers = users, ItemConfidence = confidence, ItemPreference = preference, UserLogLengths = lengths,
            Settings = settings, Choice = choice, Popularity = popularity, ItemItem = itemItem,
        };
    }

    private static readonly JsonSerializerOptions Json = new() { IncludeFields = true };

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
