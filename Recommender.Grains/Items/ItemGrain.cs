using Microsoft.Extensions.Options;
using Recommender.Grains.Domain;
using Recommender.Grains.Learning;
using Recommender.Grains.Model;
using Stopwatch = System.Diagnostics.Stopwatch;

namespace Recommender.Grains.Items;

/// <summary>
/// Owns one item's record. Counter updates arrive one-way from user grains; the record reaches
/// every silo's index coalesced (<see cref="RecommenderOptions.ItemPublishInterval"/>) and the
/// grain snapshot is written debounced (<see cref="RecommenderOptions.SnapshotInterval"/>).
/// </summary>
public sealed class ItemGrain(
    [PersistentState("item", StorageNames.Grains)] IPersistentState<ItemRecord> state,
    ItemChangePublisher publisher,
    ItemIndex index,
    LiveModel live,
    IOptions<ModelOptions> modelOptions,
    IOptions<RecommenderOptions> options) : Grain, IItemGrain
{
    private readonly RecommenderOptions _options = options.Value;
    private readonly ModelOptions _model = modelOptions.Value;
    private ItemRow? _row;
    private long _lastStep;
    private bool _stepPending;
    private bool _unpublished;
    private bool _unsaved;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(PublishIfChanged, _options.ItemPublishInterval, _options.ItemPublishInterval);
        this.RegisterGrainTimer(SaveIfChanged, _options.SnapshotInterval, _options.SnapshotInterval);
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await PublishIfChanged(cancellationToken);
        await SaveIfChanged(cancellationToken);
    }

    private ItemRecord Record => state.State;

    private bool Exists => state.RecordExists || Record.Version > 0;

    public async Task<ItemRecord> Upsert(ItemMetadata metadata)
    {
        var record = Record;
        record.ItemId = this.GetPrimaryKeyString();
        record.Title = metadata.Title;
        record.Categories = metadata.Categories;
        record.CreatedAt = metadata.CreatedAt ?? (record.CreatedAt != 0 ? record.CreatedAt : NowMs());
        record.HasMetadata = true;
        record.Version++;
        // Metadata is written through at once: a PUT that answered 200 is durable.
        await state.WriteStateAsync();
        await publisher.PublishAsync(record, writeCatalog: true);
        _unsaved = _unpublished = false;
        return record.Clone();
    }

    public Task<ItemRecord?> Get() => Task.FromResult(Exists ? Record.Clone() : null);

    public Task Interacted(ItemInteraction[] interactions, UserCell? cell)
    {
        var record = Record;
        if (!Exists)
        {
            // An event for an unknown item creates it without metadata (as Gorse does): it is
            // recommendable from its interactions and can be described later.
            record.ItemId = this.GetPrimaryKeyString();
            record.Title = record.ItemId;
            record.CreatedAt = interactions.Length > 0 ? interactions.Min(i => i.Timestamp) : NowMs();
        }
        foreach (var interaction in interactions)
        {
            record.Counts[(int)interaction.Type]++;
            record.PopularityLog = Popularity.Add(record.PopularityLog, interaction.Weight, interaction.Timestamp, _options.PopularityHalfLife);
        }
        if (cell is not null && _model.OnlineItemStep && AddToRow(record, cell))
        {
            // At most one item step per ItemStepInterval: a popular item's row can hold thousands of
            // users, so under load its re-fit is coalesced (the publish tick runs a pending one).
            if (Stopwatch.GetElapsedTime(_lastStep) >= _model.ItemStepInterval) StepItem(record);
            else _stepPending = true;
        }
        record.Version++;
        _unpublished = _unsaved = true;
        // This silo's index sees the change at once; the other silos get it coalesced.
        index.Apply(record.Clone());
        return Task.CompletedTask;
    }

    /// <summary>
    /// The online ALS item step: y = argmin Σ_u c_ui (p_ui − x_u·y)² + λ|y|² over the item's users
    /// (training column + users seen since), solved by warm-started CG against XᵀX.
    /// </summary>
    private void StepItem(ItemRecord record)
    {
        _stepPending = false;
        _lastStep = Stopwatch.GetTimestamp();
        var snapshot = live.Current;
        if (snapshot.Model is not { } model || _row is null || _row.Version != model.Version) return;

        var k = model.Factors;
        var cold = record.Vector is null || record.VectorVersion != model.Version;
        var y = cold ? StartingVector(model, record.ItemId) : record.Vector!;
        var packed = System.Buffers.ArrayPool<float>.Shared.Rent(_row.Count * k);
        _row.Pack(packed);
        FoldIn.Item(y, packed.AsSpan(0, _row.Count * k), k, snapshot.UserGram, ItemRow.Sequence(_row.Count), _row.Confidence.AsSpan(0, _row.Count),
            _row.Preference.AsSpan(0, _row.Count), _model.OnlineRegularization, cold ? _model.ColdFoldInCgSteps : _model.FoldInCgSteps);
        System.Buffers.ArrayPool<float>.Shared.Return(packed);
        record.Vector = y;
        record.VectorVersion = model.Version;
    }

    /// <summary>Puts the user's cell into the item's row (rebuilt from the model after a new version); false if the cell is from another version.</summary>
    private bool AddToRow(ItemRecord record, UserCell cell)
    {
        var model = live.Current.Model;
        if (model is null || cell.ModelVersion != model.Version || cell.Vector.Length != model.Factors) return false;
        if (_row is null || _row.Version != model.Version) _row = ItemRow.FromModel(model, record.ItemId, _model.MaxUsersPerItem);
        _row.Set(cell.UserId, cell.Vector, cell.Confidence, cell.Preference);
        return true;
    }

    /// <summary>The trained vector when the model knows the item; zero for an item newer than the model.</summary>
    private static float[] StartingVector(TrainedModel model, string itemId)
    {
        var item = model.ItemIndex(itemId);
        return item >= 0 ? model.ItemVector(item).ToArray() : new float[model.Factors];
    }

    public Task Forget(string userId, ItemInteraction[] interactions)
    {
        if (!Exists) return Task.CompletedTask;
        _row?.Remove(userId);
        var record = Record;
        foreach (var interaction in interactions)
        {
            ref var count = ref record.Counts[(int)interaction.Type];
            count = Math.Max(0, count - 1);
            record.PopularityLog = Popularity.Subtract(record.PopularityLog, interaction.Weight, interaction.Timestamp, _options.PopularityHalfLife);
        }
        record.Version++;
        _unpublished = _unsaved = true;
        return Task.CompletedTask;
    }

    private async Task PublishIfChanged(CancellationToken cancellationToken)
    {
        if (_stepPending)
        {
            StepItem(Record);
            Record.Version++;
            index.Apply(Record.Clone());
            _unpublished = _unsaved = true;
        }
        if (!_unpublished) return;
        _unpublished = false;
        await publisher.PublishAsync(Record, writeCatalog: false);
    }

    private async Task SaveIfChanged(CancellationToken cancellationToken)
    {
        if (!_unsaved) return;
        _unsaved = false;
        await state.WriteStateAsync(cancellationToken);
        await publisher.SaveToCatalogAsync(Record);
    }

    private static long NowMs() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
}
