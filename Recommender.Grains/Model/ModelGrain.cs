using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Recommender.Grains.Storage;
using StackExchange.Redis;

namespace Recommender.Grains.Model;

/// <summary>
/// Trains in the background and publishes each version atomically (stored, then announced, see
/// <see cref="ModelStore"/>). Reentrant, so status reads never wait behind a training. Retrains
/// on a schedule and when a drift rule fires: many events since the last training (as a share of
/// its training set), or the online hit-rate falling well below its level after the training.
/// </summary>
[Reentrant]
public sealed class ModelGrain(
    [PersistentState("model", StorageNames.Grains)] IPersistentState<ModelStatus> state,
    ModelTrainer trainer,
    ModelStore store,
    EventLog log,
    IConnectionMultiplexer redis,
    RedisKeys keys,
    IOptions<ModelOptions> options,
    ILogger<ModelGrain> logger) : Grain, IModelGrain
{
    public const long Key = 0;
    private Task<ModelStatus>? _training;
    /// <summary>A training queued behind the running one, shared by every request that arrived meanwhile.</summary>
    private Task<ModelStatus>? _next;
    private (long Events, long Hits) _lastCheck;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var period = options.Value.DriftCheckPeriod;
        this.RegisterGrainTimer(CheckRules, new GrainTimerCreationOptions(period, period) { KeepAlive = true, Interleave = true });
        return Task.CompletedTask;
    }

    public Task<ModelStatus> GetStatus() => Status(includeRunning: true);

    private async Task<ModelStatus> Status(bool includeRunning)
    {
        var (events, hits) = await log.CountersAsync();
        var s = state.State;
        var since = Math.Max(0, events - s.EventsAtTraining);
        return s with
        {
            Status = includeRunning && _training is { IsCompleted: false } ? "training" : s.Status,
            EventsSinceTraining = since,
            OnlineHitRate = since > 0 ? (double)(hits - s.HitsAtTraining) / since : null,
        };
    }

    /// <summary>
    /// A retraining that reads the log after this request: a training already running read it
    /// earlier (it may miss events acknowledged since), so the request queues one more behind it —
    /// one for every request that arrives meanwhile. Without this, an import followed by
    /// <c>retrain?wait=true</c> could be answered by a drift training that started mid-import.
    /// </summary>
    public async Task<ModelStatus> Retrain(bool wait, string trigger)
    {
        Task<ModelStatus> training;
        if (_training is not { IsCompleted: false }) training = _training = TrainAndPublish(trigger);
        else training = _next ??= After(_training, trigger);
        return wait ? await training : await GetStatus();
    }

    private async Task<ModelStatus> After(Task previous, string trigger)
    {
        try { await previous; } catch (Exception) { /* its failure is in the status; the queued training runs anyway */ }
        _next = null;
        var training = _training = TrainAndPublish(trigger);
        return await training;
    }

    public async Task ReportEvaluation(Dictionary<string, double> figures)
    {
        state.State = state.State with { LastEvaluation = figures, LastEvaluatedAt = DateTimeOffset.UtcNow };
        await state.WriteStateAsync();
    }

    private async Task<ModelStatus> TrainAndPublish(string trigger)
    {
        var version = Math.Max(state.State.Version, 0) + 1;
        logger.LogInformation("Training model {Version} ({Trigger})", version, trigger);
        try
        {
            var (_, hits) = await log.CountersAsync();
            // Off the Orleans scheduler: the trainer reads Redis and runs ALS on the thread pool.
            var model = await Task.Run(() => trainer.TrainAsync(version, CancellationToken.None));
            await store.PublishAsync(model);
            state.State = state.State with
            {
                Version = model.Version, TrainedAt = model.TrainedAt, TrainingMs = model.TrainingMs,
                Users = model.UserIds.Length, Items = model.ItemIds.Length, Interactions = model.Interactions,
                EventsAtTraining = model.EventsAtTraining, HitsAtTraining = hits, HitRateAfterTraining = null,
                Status = "idle", LastTrigger = trigger, LastError = null, Choice = model.Choice,
            };
            _lastCheck = (model.EventsAtTraining, hits);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Training model {Version} failed", version);
            state.State = state.State with { Status = "failed", LastTrigger = trigger, LastError = e.Message };
        }
        await state.WriteStateAsync();
        return await Status(includeRunning: false);
    }

    private async Task CheckRules(CancellationToken cancellationToken)
    {
        if (_training is { IsCompleted: false } || _next is not null) return;
        var o = options.Value;
        var s = state.State;
        var (events, hits) = await log.CountersAsync();
        var since = events - s.EventsAtTraining;
        if (since <= 0) return;

        string? trigger = null;
        if (s.TrainedAt is null && since >= Math.Min(o.MinNewEventsForDrift, 50))
        {
            // The demo seeder trains the first model once its events are all in: a training started
            // now would read half of them and be followed by the seeder's.
            if (await DemoSeedingAsync()) return;
            trigger = "first training";
        }
        else if (o.RetrainInterval > TimeSpan.Zero && DateTimeOffset.UtcNow - s.TrainedAt >= o.RetrainInterval) trigger = "schedule";
        else if (since >= Math.Max(o.MinNewEventsForDrift, o.RetrainWhenNewEventsShare * s.Interactions))
            trigger = $"drift: {since} events since training ({since / Math.Max(1.0, s.Interactions):P0} of its {s.Interactions})";
        else
        {
            // The hit-rate over the first events after training is the reference; a later window far below it is drift.
            var window = events - _lastCheck.Events;
            if (window >= 200)
            {
                var rate = (double)(hits - _lastCheck.Hits) / window;
                if (s.HitRateAfterTraining is null)
                {
                    state.State = s with { HitRateAfterTraining = rate };
                    await state.WriteStateAsync();
                }
                else if (rate < o.RetrainWhenHitRateFallsTo * s.HitRateAfterTraining)
                    trigger = $"drift: online hit-rate {rate:P1} below {o.RetrainWhenHitRateFallsTo:P0} of {s.HitRateAfterTraining:P1}";
                _lastCheck = (events, hits);
            }
        }
        if (trigger is not null) _training = TrainAndPublish(trigger);
    }

    /// <summary>How long a demo seeding's claim (<c>seeding since …</c>) holds the first training back: a silo killed mid-seeding leaves it forever.</summary>
    public static readonly TimeSpan DemoSeedingHoldsTrainingFor = TimeSpan.FromMinutes(10);

    /// <summary>A demo seeding is in progress (see <see cref="RedisKeys.DemoSeed"/>), begun less than <see cref="DemoSeedingHoldsTrainingFor"/> ago.</summary>
    private async Task<bool> DemoSeedingAsync()
    {
        const string prefix = RedisKeys.DemoSeedingSince;
        string? claim = await redis.GetDatabase().StringGetAsync(keys.DemoSeed);
        if (claim is null || !claim.StartsWith(prefix, StringComparison.Ordinal)) return false;
        var end = claim.IndexOf(' ', prefix.Length);
        return DateTimeOffset.TryParse(end < 0 ? claim[prefix.Length..] : claim[prefix.Length..end], System.Globalization.CultureInfo.InvariantCulture,
                   System.Globalization.DateTimeStyles.RoundtripKind, out var since)
               && DateTimeOffset.UtcNow - since < DemoSeedingHoldsTrainingFor;
    }
}
