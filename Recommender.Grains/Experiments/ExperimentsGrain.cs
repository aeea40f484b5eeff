using StackExchange.Redis;
using Recommender.Grains.Storage;

namespace Recommender.Grains.Experiments;

public sealed class ExperimentsGrain(ExperimentStore store, IConnectionMultiplexer redis, RedisKeys keys, TimeProvider clock) : Grain, IExperimentsGrain
{
    public const long Key = 0;

    public async Task<ExperimentOutcome> Create(ExperimentDefinition experiment, bool start)
    {
        await store.RefreshAsync();
        if (store.Find(experiment.Id) is not null) return new(null, 409, $"An experiment with id '{experiment.Id}' exists.");
        var created = experiment with { Status = ExperimentDefinition.Draft, CreatedAt = clock.GetUtcNow(), StartedAt = null, StoppedAt = null, Winner = null };
        if (start && store.Active is { } running) return new(null, 409, Running(running));
        await store.PutAsync(created);
        return start ? await Start(created.Id) with { Status = 201 } : new(created, 201);
    }

    public Task<ExperimentDefinition[]> List() =>
        Task.FromResult(store.All.OrderByDescending(e => e.CreatedAt).ToArray());

    public Task<ExperimentDefinition?> Get(string id) => Task.FromResult(store.Find(id));

    public async Task<ExperimentOutcome> Start(string id)
    {
        await store.RefreshAsync();
        if (store.Find(id) is not { } experiment) return Unknown(id);
        if (experiment.Status != ExperimentDefinition.Draft) return new(experiment, 409, $"Only a draft experiment starts; '{id}' is {experiment.Status}.");
        if (store.Active is { } running) return new(experiment, 409, Running(running));
        var started = experiment with { Status = ExperimentDefinition.Running, StartedAt = clock.GetUtcNow() };
        await store.PutAsync(started);
        return new(started, 200);
    }

    public async Task<ExperimentOutcome> Stop(string id)
    {
        await store.RefreshAsync();
        if (store.Find(id) is not { } experiment) return Unknown(id);
        if (experiment.Status != ExperimentDefinition.Running) return new(experiment, 409, $"Only a running experiment stops; '{id}' is {experiment.Status}.");
        var stopped = experiment with { Status = ExperimentDefinition.Stopped, StoppedAt = clock.GetUtcNow() };
        await store.PutAsync(stopped);
        return new(stopped, 200);
    }

    public async Task<ExperimentOutcome> DeclareWinner(string id, string variant)
    {
        await store.RefreshAsync();
        if (store.Find(id) is not { } experiment) return Unknown(id);
        if (experiment.Status == ExperimentDefinition.Draft) return new(experiment, 409, $"'{id}' has not run: start it first.");
        if (experiment.Variants.FirstOrDefault(v => v.Name == variant) is not { } winner)
            return new(experiment, 400, $"'{id}' has no variant '{variant}' (it has {string.Join(", ", experiment.Variants.Select(v => v.Name))}).");
        var declared = experiment with
        {
            Status = ExperimentDefinition.Stopped, StoppedAt = experiment.StoppedAt ?? clock.GetUtcNow(), Winner = winner.Name,
        };
        // The default first: a user between the two writes is served the winner either way.
        await store.SetDefaultAsync(winner.Serving);
        await store.PutAsync(declared);
        return new(declared, 200);
    }

    public async Task<ExperimentOutcome> Delete(string id)
    {
        await store.RefreshAsync();
        if (store.Find(id) is not { } experiment) return Unknown(id);
        if (experiment.Status == ExperimentDefinition.Running) return new(experiment, 409, $"'{id}' is running: stop it first.");
        await store.DeleteAsync(id);
        return new(experiment, 204);
    }

    public async Task<ExperimentResults?> Results(string id)
    {
        if (store.Find(id) is not { } experiment)
        {
            await store.RefreshAsync(id);
            if (store.Find(id) is not { } stored) return null;
            experiment = stored;
        }
        var db = redis.GetDatabase();
        var series = await db.HashGetAllAsync(keys.ExperimentSeries(id));
        var names = experiment.Variants.Select(v => v.Name).Append(ExperimentDefinition.HoldoutVariant).ToArray();
        var counts = await Task.WhenAll(names.Select(n => db.HyperLogLogLengthAsync(keys.ExperimentUsers(id, n))));
        var users = names.Zip(counts).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
        return ExperimentAnalysis.Analyse(experiment, series, users, clock.GetUtcNow());
    }

    public Task<ServingConfig> Default() => Task.FromResult(store.Default);

    public Task SetDefault(ServingConfig serving) => store.SetDefaultAsync(serving);

    private static ExperimentOutcome Unknown(string id) => new(null, 404, $"No experiment has id '{id}'.");

    private static string Running(ExperimentDefinition running) =>
        $"Experiment '{running.Id}' is running: one experiment runs at a time (they are not layered); stop it first.";
}
