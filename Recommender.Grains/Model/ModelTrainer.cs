using Stopwatch = System.Diagnostics.Stopwatch;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Recommender.Grains.Domain;
using Recommender.Learning;
using Recommender.Grains.Storage;

namespace Recommender.Grains.Model;

/// <summary>
/// Trains a model version from the whole event log: every user's events are folded into one
/// (user, item) cell each — strength summed, sign of the latest evidence — then implicit ALS runs
/// on the thread pool (never on the Orleans scheduler).
/// </summary>
public sealed class ModelTrainer(EventLog log, IOptions<ModelOptions> modelOptions, IOptions<EvidenceOptions> evidence, ILogger<ModelTrainer> logger)
{
    public async Task<TrainedModel> TrainAsync(long version, CancellationToken cancellationToken)
    {
        var options = modelOptions.Value;
        var clock = Stopwatch.StartNew();
        var eventsAtStart = await log.TotalEventsAsync();
        var users = new List<string>();
        await foreach (var user in log.UsersAsync()) users.Add(user);
        users.Sort(StringComparer.Ordinal); // deterministic row order → deterministic model for a seed

        // Read the logs with a bounded number of requests in flight.
        var rows = new Dictionary<string, Cell>[users.Count];
        var lengths = new int[users.Count];
        await Parallel.ForAsync(0, users.Count, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken }, async (u, _) =>
        {
            var cells = new Dictionary<string, Cell>(StringComparer.Ordinal);
            var lines = await log.ReadAsync(users[u]);
            lengths[u] = lines.Length;
            foreach (var line in lines)
            {
                var e = InteractionEvent.Decode(line);
                var weight = evidence.Value.Of(e.Type, e.Value);
                var cell = cells.GetValueOrDefault(e.ItemId);
                cells[e.ItemId] = new Cell(cell.Strength + weight.Strength, !weight.Positive);
            }
            rows[u] = cells;
        });

        var itemIds = rows.SelectMany(r => r.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var itemIndex = itemIds.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i, StringComparer.Ordinal);
        var builder = new InteractionMatrixBuilder(users.Count, itemIds.Length);
        for (var u = 0; u < rows.Length; u++)
            foreach (var (itemId, cell) in rows[u])
                builder.Add(u, itemIndex[itemId], options.Confidence(cell.Strength), cell.Negative ? 0f : 1f);
        var matrix = builder.Build();
        var readMs = clock.ElapsedMilliseconds;

        var lambda = options.TrainingRegularization(matrix.NonZeros, users.Count, itemIds.Length);
        var als = await Task.Run(() => ImplicitAls.Train(matrix, options.ToAls(lambda), cancellationToken), cancellationToken);
        var byItem = matrix.ByItem;
        var model = new TrainedModel
        {
            Version = version,
            TrainedAt = DateTimeOffset.UtcNow,
            Factors = options.Factors,
            Regularization = lambda,
            Alpha = options.Alpha,
            ItemIds = itemIds,
            UserIds = [.. users],
            ItemFactors = als.ItemFactors,
            UserFactors = als.UserFactors,
            ItemOffsets = byItem.Offsets,
            ItemUsers = byItem.Columns,
            ItemConfidence = byItem.Confidence,
            ItemPreference = byItem.Preference,
            Interactions = matrix.NonZeros,
            TrainingMs = clock.ElapsedMilliseconds,
            EventsAtTraining = eventsAtStart,
            UserLogLengths = lengths,
        };
        logger.LogInformation("Trained model {Version}: {Users} users × {Items} items, {Cells} cells, λ {Lambda:F1}, read {ReadMs} ms, total {Ms} ms",
            version, users.Count, itemIds.Length, matrix.NonZeros, lambda, readMs, model.TrainingMs);
        return model;
    }

    private readonly record struct Cell(float Strength, bool Negative);
}
