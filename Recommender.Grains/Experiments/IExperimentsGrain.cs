namespace Recommender.Grains.Experiments;

/// <summary>
/// The experiments' lifecycle — create, start, stop, declare a winner, delete — and their results.
/// One activation (key 0), so that two starts cannot both find no experiment running.
/// </summary>
public interface IExperimentsGrain : IGrainWithIntegerKey
{
    Task<ExperimentOutcome> Create(ExperimentDefinition experiment, bool start);
    Task<ExperimentDefinition[]> List();
    Task<ExperimentDefinition?> Get(string id);
    Task<ExperimentOutcome> Start(string id);
    Task<ExperimentOutcome> Stop(string id);
    /// <summary>Stops the experiment (if running) and makes the variant's serving configuration everyone's default.</summary>
    Task<ExperimentOutcome> DeclareWinner(string id, string variant);
    Task<ExperimentOutcome> Delete(string id);
    Task<ExperimentResults?> Results(string id);
    /// <summary>What users outside an experiment are served.</summary>
    Task<ServingConfig> Default();
    Task SetDefault(ServingConfig serving);
}

/// <param name="Status">The HTTP status the change answers: 200/201, 404 unknown, 409 not allowed in the experiment's state.</param>
[GenerateSerializer, Alias("reco.ExperimentOutcome"), Immutable]
public sealed record ExperimentOutcome([property: Id(0)] ExperimentDefinition? Experiment, [property: Id(1)] int Status, [property: Id(2)] string? Error = null);
