using Recommender.Grains.Items;
using Recommender.Learning;

namespace Recommender.Grains.Model;

/// <summary>
/// This silo's view of the current model, aligned with its <see cref="ItemIndex"/>: item vectors
/// packed contiguously by index slot (what the SIMD scan reads), YᵀY kept exact under online item
/// updates by rank-2 corrections, and XᵀX from the training. Readers take <see cref="Current"/>
/// once and use that snapshot; writers replace vectors under a lock and swap snapshots when the
/// capacity grows or a new version is installed.
/// </summary>
public sealed class LiveModel
{
    private readonly ItemIndex _index;
    private readonly Lock _gate = new();
    private volatile ModelSnapshot _current = ModelSnapshot.Empty;
    private readonly bool _quantize;

    public LiveModel(ItemIndex index, Microsoft.Extensions.Options.IOptions<ModelOptions>? options = null)
    {
        _index = index;
        _quantize = options?.Value.QuantizedScan ?? true;
        index.Applied += OnItemApplied;
        Telemetry.RecommenderMetrics.TrackModelVersion(() => _current.Version);
    }

    public ModelSnapshot Current => _current;

    /// <summary>Every indexed item's categories as small integer ids (the content source's input), kept by slot.</summary>
    public SlotCategories Categories { get; } = new();

    /// <summary>Every indexed item's content tokens, for cold-start vectors and exploration.</summary>
    public SlotTokens Tokens { get; } = new();

    /// <summary>Raised after a new version was installed.</summary>
    public event Action<ModelSnapshot>? Installed;

    /// <summary>Installs a trained model: every indexed item the model knows gets its trained vector.</summary>
    public void Install(TrainedModel model)
    {
        ModelSnapshot snapshot;
        lock (_gate)
        {
            if (model.Version <= _current.Version) return;
            var k = model.Factors;
            var capacity = Math.Max(1024, _index.Count * 2);
            var vectors = new float[capacity * k];
            for (var slot = 0; slot < _index.Count; slot++)
            {
                var record = _index.At(slot);
                var item = record is null ? -1 : model.ItemIndex(record.ItemId);
                if (item >= 0) model.ItemVector(item).CopyTo(vectors.AsSpan(slot * k, k));
            }
            // Slot ↔ model item maps for the item-item and popularity sources (which live in the model's item order).
            var itemOfSlot = new int[capacity];
            Array.Fill(itemOfSlot, -1);
            var slotOfItem = new int[model.ItemIds.Length];
            Array.Fill(slotOfItem, -1);
            var popularity = new float[capacity];
            for (var slot = 0; slot < _index.Count; slot++)
            {
                if (_index.At(slot) is not { } record || model.ItemIndex(record.ItemId) is not (var item and >= 0)) continue;
                itemOfSlot[slot] = item;
                slotOfItem[item] = slot;
                if (item < model.Popularity.Length) popularity[slot] = model.Popularity[item];
            }
            // Items the training did not see start from their content neighbours' vectors (ColdStart), here
            // on every silo alike: the vectors their grains published belong to the previous version's space.
            Tokens.Read(source =>
            {
                for (var slot = 0; slot < _index.Count; slot++)
                    if (itemOfSlot[slot] < 0 && ColdStart.Average(vectors, k, itemOfSlot, source, source.Of(slot), slot) is { } y)
                        y.CopyTo(vectors.AsSpan(slot * k, k));
                return 0;
            });
            var gram = Gram.Compute(vectors.AsSpan(0, capacity * k), capacity, k);
            var userGram = Gram.Compute(model.UserFactors, model.UserIds.Length, k);
            snapshot = new ModelSnapshot(model, vectors, capacity, gram, userGram)
            {
                Quantized = _quantize ? Int8Vectors.Quantize(vectors, k) : null,
                ItemOfSlot = itemOfSlot, SlotOfItem = slotOfItem, Popularity = popularity,
            };
            _current = snapshot;
        }
        Installed?.Invoke(snapshot);
    }

    /// <summary>Replaces one item's vector (online item step), keeping YᵀY exact: YᵀY += y'y'ᵀ − yyᵀ.</summary>
    public void SetItemVector(int slot, ReadOnlySpan<float> vector, long version)
    {
        lock (_gate)
        {
            var snapshot = EnsureCapacity(slot);
            if (snapshot.Version != version || vector.Length != snapshot.Factors) return;
            var row = snapshot.Vectors.AsSpan(slot * snapshot.Factors, snapshot.Factors);
            if (row.SequenceEqual(vector)) return; // counters changed, the vector did not
            Gram.Replace(snapshot.ItemGram, row, vector);
            vector.CopyTo(row);
            snapshot.Quantized?.Set(slot, vector);
        }
    }

    /// <summary>
    /// Keeps XᵀX current as users re-fit on this silo: XᵀX += x'x'ᵀ − xxᵀ. Exact in local mode;
    /// with several silos each sees its own users' moves until the next training resets it.
    /// </summary>
    public void ReplaceUserVector(ReadOnlySpan<float> before, ReadOnlySpan<float> after, long version)
    {
        lock (_gate)
        {
            var snapshot = _current;
            if (snapshot.Version != version) return;
            Gram.Replace(snapshot.UserGram, before, after);
        }
    }

    private void OnItemApplied(int slot, ItemRecord record)
    {
        Categories.Set(slot, record.Categories);
        Tokens.Set(slot, record);
        if (record.Vector is { } vector && record.VectorVersion == _current.Version && record.VectorVersion > 0)
        {
            SetItemVector(slot, vector, record.VectorVersion);
            return;
        }
        if (slot >= _current.Capacity) lock (_gate) EnsureCapacity(slot);
        // An item the model knows that reached this index after the model (late catalog load).
        var snapshot = _current;
        if (snapshot.Model is { } model && model.ItemIndex(record.ItemId) is var item and >= 0 && snapshot.ItemOfSlot[slot] < 0)
        {
            lock (_gate)
            {
                snapshot = _current;
                if (snapshot.Model == model && slot < snapshot.ItemOfSlot.Length)
                {
                    snapshot.ItemOfSlot[slot] = item;
                    snapshot.SlotOfItem[item] = slot;
                    if (item < model.Popularity.Length) snapshot.Popularity[slot] = model.Popularity[item];
                }
            }
            if (record.Vector is null && snapshot.ItemVector(slot).IndexOfAnyExcept(0f) < 0)
                SetItemVector(slot, model.ItemVector(item), model.Version);
        }
    }

    /// <summary>Grows the packed arrays (copying) so <paramref name="slot"/> fits; callers hold the lock.</summary>
    private ModelSnapshot EnsureCapacity(int slot)
    {
        var snapshot = _current;
        if (slot < snapshot.Capacity || snapshot.Model is null) return snapshot;
        var capacity = Math.Max(slot + 1, snapshot.Capacity * 2);
        var vectors = new float[capacity * snapshot.Factors];
        snapshot.Vectors.CopyTo(vectors, 0);
        var itemOfSlot = new int[capacity];
        Array.Fill(itemOfSlot, -1);
        snapshot.ItemOfSlot.CopyTo(itemOfSlot, 0);
        var popularity = new float[capacity];
        snapshot.Popularity.CopyTo(popularity, 0);
        return _current = snapshot with
        {
            Vectors = vectors, Capacity = capacity, Quantized = snapshot.Quantized?.Grow(capacity), ItemOfSlot = itemOfSlot, Popularity = popularity,
        };
    }
}

/// <summary>
/// An immutable handle on one version's arrays. <see cref="Vectors"/> holds <see cref="Capacity"/>
/// rows (slots beyond the index's count are zero, which scores 0 and adds nothing to YᵀY).
/// </summary>
public sealed record ModelSnapshot(TrainedModel? Model, float[] Vectors, int Capacity, float[] ItemGram, float[] UserGram)
{
    public static readonly ModelSnapshot Empty = new(null, [], 0, [], []);

    /// <summary>
    /// The same rows in int8 (one scale per row) for the first pass of the ranking scan: a quarter of
    /// the bytes of <see cref="Vectors"/>, re-scored exactly (see <see cref="QuantizedTopK"/>). Kept in
    /// step with every vector write; null for <see cref="Empty"/> and when <see cref="ModelOptions.QuantizedScan"/> is off.
    /// </summary>
    public Int8Vectors? Quantized { get; init; }

    /// <summary>The model's item index of each slot (−1: not in the model), and back.</summary>
    public int[] ItemOfSlot { get; init; } = [];
    public int[] SlotOfItem { get; init; } = [];
    /// <summary>The model's popularity source by slot (0 for items newer than the model).</summary>
    public float[] Popularity { get; init; } = [];

    public long Version => Model?.Version ?? 0;
    public int Factors => Model?.Factors ?? 0;
    public bool IsTrained => Model is not null;
    public ModelSettings Settings => Model?.Settings ?? DefaultSettings;

    private static readonly ModelSettings DefaultSettings = new();

    public ReadOnlySpan<float> ItemVector(int slot) => Vectors.AsSpan(slot * Factors, Factors);
}
