using Stopwatch = System.Diagnostics.Stopwatch;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Recommender.Grains.Domain;
using Recommender.Grains.Items;
using Recommender.Learning;
using Recommender.Grains.Storage;

namespace Recommender.Grains.Model;

/// <summary>
/// Trains a model version from the whole event log: every user's events are folded into one
/// (user, item) cell each (an <see cref="EvidenceTally"/>), the items get their categories from
/// this silo's index, the self-tuning chooses the settings on a held-out part of the log
/// (<see cref="AutoTuner"/>), and the winner is fitted on everything — all on the thread pool,
/// never on the Orleans scheduler.
/// </summary>
public sealed class ModelTrainer(
    EventLog log, EventCounters counters, ItemIndex index, LiveModel live, IOptions<ModelOptions> modelOptions, IOptions<EvidenceOptions> evidence, ILogger<ModelTrainer> logger)
{
    public async Task<TrainedModel> TrainAsync(long version, CancellationToken cancellationToken)
    {
        var options = modelOptions.Value;
        var clock = Stopwatch.StartNew();
        // The cluster's event counter as of the read: this process's counts flushed first (they are
        // flushed once a second, and the demo seeder retrains right after its appends — reading the
        // counter unflushed gave a first model 'trained at 0 events' and a drift retraining 30 s later).
        await counters.FlushAsync();
        var counterAtStart = await log.TotalEventsAsync();
        var users = new List<string>();
        await foreach (var user in log.UsersAsync()) users.Add(user);
        users.Sort(StringComparer.Ordinal); // deterministic row order → deterministic model for a seed

        // Read the logs with a bounded number of requests in flight.
        var curve = evidence.Value.ToCurve();
        var rows = new Dictionary<string, EvidenceTally>[users.Count];
        var lengths = new int[users.Count];
        await Parallel.ForAsync(0, users.Count, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken }, async (u, _) =>
        {
            var cells = new Dictionary<string, EvidenceTally>(StringComparer.Ordinal);
            var lines = await log.ReadAsync(users[u]);
            lengths[u] = lines.Length;
            foreach (var line in lines)
            {
                var e = InteractionEvent.Decode(line);
                var kind = (EvidenceKind)e.Type;
                var tally = cells.GetValueOrDefault(e.ItemId);
                tally.Add(kind, e.Value, curve.IsNegative(kind, e.Value));
                cells[e.ItemId] = tally;
            }
            rows[u] = cells;
        });
        var readMs = clock.ElapsedMilliseconds;

        var (data, itemIds) = await Task.Run(() => Build(rows), cancellationToken);
        // The events read, not the counters (those are flushed once a second and may lag a fresh import).
        var (settings, choice) = await Task.Run(() => Choose(data, options, curve, lengths.Sum(l => (long)l)), cancellationToken);
        var fitted = await Task.Run(() => FittedModel.Fit(data, settings, options.Seed, cancellationToken), cancellationToken);
        var byItem = data.ToMatrix(settings.Evidence, settings.Als.Alpha).ByItem;
        var model = new TrainedModel
        {
            Version = version,
            TrainedAt = DateTimeOffset.UtcNow,
            Factors = settings.Als.Factors,
            Regularization = settings.Als.Lambda,
            Alpha = settings.Als.Alpha,
            ItemIds = itemIds,
            UserIds = [.. users],
            ItemFactors = fitted.Als.ItemFactors,
            UserFactors = fitted.Als.UserFactors,
            ItemOffsets = byItem.Offsets,
            ItemUsers = byItem.Columns,
            ItemConfidence = byItem.Confidence,
            ItemPreference = byItem.Preference,
            Interactions = data.NonZeros,
            TrainingMs = clock.ElapsedMilliseconds,
            // Every event read is in the model, whatever another silo's counter has not flushed yet;
            // the counter is the larger after forgets (it counts deleted logs too).
            EventsAtTraining = Math.Max(counterAtStart, lengths.Sum(l => (long)l)),
            UserLogLengths = lengths,
            Settings = settings,
            ItemItem = fitted.ItemItem,
            Popularity = fitted.Popularity,
            Choice = choice,
        };
        logger.LogInformation("Trained model {Version}: {Users} users × {Items} items, {Cells} cells, serving {Blend} ({Reason}); read {ReadMs} ms, tuning {TuningMs} ms, total {Ms} ms",
            version, users.Count, itemIds.Length, data.NonZeros, settings.Blend, choice.Reason, readMs, choice.TuningMs, model.TrainingMs);
        return model;
    }

    /// <summary>The cells as a <see cref="Feedback"/> over the items sorted by id, with their categories from the index.</summary>
    private (Feedback Data, string[] ItemIds) Build(Dictionary<string, EvidenceTally>[] rows)
    {
        // A deleted item leaves the training: its events stay in the users' logs (the truth, and a
        // later PUT brings it back) but no longer shape anyone's vector or the item-item model.
        foreach (var row in rows)
            foreach (var itemId in row.Keys.Where(id => index.TryGet(id, out var record) && record.Deleted).ToArray())
                row.Remove(itemId);
        var itemIds = rows.SelectMany(r => r.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var itemIndex = new Dictionary<string, int>(itemIds.Length, StringComparer.Ordinal);
        for (var i = 0; i < itemIds.Length; i++) itemIndex[itemIds[i]] = i;
        var offsets = new int[rows.Length + 1];
        for (var u = 0; u < rows.Length; u++) offsets[u + 1] = offsets[u] + rows[u].Count;
        var columns = new int[offsets[rows.Length]];
        var tallies = new EvidenceTally[columns.Length];
        for (var u = 0; u < rows.Length; u++)
        {
            var cells = rows[u].Select(c => (Item: itemIndex[c.Key], c.Value)).OrderBy(c => c.Item).ToArray();
            for (var j = 0; j < cells.Length; j++)
            {
                columns[offsets[u] + j] = cells[j].Item;
                tallies[offsets[u] + j] = cells[j].Value;
            }
        }
        var categories = ItemCategories.From([.. itemIds.Select(id => index.TryGet(id, out var record) ? (IReadOnlyList<string>)record.Categories : [])]);
        return (new Feedback(rows.Length, itemIds.Length, offsets, columns, tallies, categories), itemIds);
    }

    /// <summary>The settings to fit: searched on a held-out part of the log, or as configured.</summary>
    private (ModelSettings Settings, ModelChoice Choice) Choose(Feedback data, ModelOptions options, EvidenceCurve curve, long events)
    {
        var tuning = options.Tuning.ToOptions(curve, options.Seed) with { Previous = live.Current.Model?.Settings is { } last && live.Current.Model.Choice.Searched ? last : null };
        if (!tuning.Enabled || events < options.Tuning.MinimumEvents)
        {
            var fixedSettings = tuning.Fixed(options.Defaults);
            fixedSettings = fixedSettings with { Evidence = fixedSettings.Evidence.Normalised(data) };
            var why = !tuning.Enabled ? "self-tuning is off (Model:Tuning:Enabled=false): the configured settings"
                : $"{events} events, fewer than Model:Tuning:MinimumEvents ({options.Tuning.MinimumEvents}): the configured settings";
            return (fixedSettings, Describe(fixedSettings, why, null, 0, 0, searched: false, []));
        }
        var result = AutoTuner.Run(data, tuning, options.Defaults, line => logger.LogDebug("Tuning: {Line}", line));
        var candidates = result.Candidates.Select(c => new CandidateFigure(c.Family, c.Settings, Math.Round(c.Ndcg, 5), Math.Round(c.Seconds, 3))).ToArray();
        return (result.Winner, Describe(result.Winner, result.Reason, double.IsNaN(result.WinnerNdcg) ? null : Math.Round(result.WinnerNdcg, 5),
            result.ValidationUsers, (long)result.Elapsed.TotalMilliseconds, searched: result.ValidationUsers > 0, candidates));
    }

    private static ModelChoice Describe(ModelSettings s, string reason, double? ndcg, int users, long ms, bool searched, CandidateFigure[] candidates) => new()
    {
        Serving = s.Blend.ToString(),
        Als = s.Als.ToString(),
        ItemItem = s.ItemItem.ToString(),
        Evidence = AutoTuner.Describe(s.Evidence),
        Reason = reason,
        ValidationNdcg = ndcg,
        ValidationUsers = users,
        TuningMs = ms,
        Searched = searched,
        Candidates = candidates,
        Weights = [s.Blend.Als, s.Blend.ItemItem, s.Blend.Content, s.Blend.Popularity],
    };
}
