using Microsoft.Extensions.Options;
using Recommender.Grains.Domain;
using Recommender.Grains.Experiments;
using Recommender.Grains.Impressions;
using Recommender.Grains.Items;
using Recommender.Grains.Model;
using Recommender.Grains.Ranking;
using Recommender.Grains.Storage;

namespace Recommender.Grains.Users;

/// <summary>
/// What every user grain on a silo shares — the event log, the item index, the ranking, the live
/// model, impressions, experiments and the options — behind one reference per grain instead of one
/// per service: 88 B less per user (BENCHMARKS.md, "Memory per user grain", the active user's row).
/// </summary>
public sealed class UserGrainServices(
    EventLog log,
    EventCounters counters,
    ItemIndex index,
    ListComposer lists,
    LiveModel live,
    ImpressionRecorder impressions,
    ExperimentStore experiments,
    IOptions<EvidenceOptions> evidence,
    IOptions<ModelOptions> model,
    IOptions<RecommenderOptions> options,
    IOptions<RotationOptions> rotation)
{
    public EventLog Log { get; } = log;
    public EventCounters Counters { get; } = counters;
    public ItemIndex Index { get; } = index;
    public ListComposer Lists { get; } = lists;
    public LiveModel Live { get; } = live;
    public ImpressionRecorder Impressions { get; } = impressions;
    public ExperimentStore Experiments { get; } = experiments;
    public EvidenceOptions Evidence { get; } = evidence.Value;
    public ModelOptions Model { get; } = model.Value;
    public RecommenderOptions Options { get; } = options.Value;
    public RotationOptions Rotation { get; } = rotation.Value;
}
