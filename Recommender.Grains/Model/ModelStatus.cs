namespace Recommender.Grains.Model;

/// <summary>What the cluster's model grain knows about the current model and its training.</summary>
[GenerateSerializer, Alias("reco.ModelStatus")]
public sealed record ModelStatus
{
    [Id(0)] public long Version { get; init; }
    [Id(1)] public DateTimeOffset? TrainedAt { get; init; }
    [Id(2)] public long TrainingMs { get; init; }
    [Id(3)] public int Users { get; init; }
    [Id(4)] public int Items { get; init; }
    [Id(5)] public long Interactions { get; init; }
    [Id(6)] public long EventsAtTraining { get; init; }
    /// <summary>"untrained", "idle", "training" or "failed".</summary>
    [Id(7)] public string Status { get; init; } = "untrained";
    [Id(8)] public string? LastTrigger { get; init; }
    [Id(9)] public string? LastError { get; init; }
    [Id(10)] public long EventsSinceTraining { get; init; }
    [Id(11)] public double? OnlineHitRate { get; init; }
    [Id(12)] public double? HitRateAfterTraining { get; init; }
    [Id(13)] public long HitsAtTraining { get; init; }
    /// <summary>Figures of the last evaluation reported by <c>reco evaluate</c>, if any.</summary>
    [Id(14)] public Dictionary<string, double>? LastEvaluation { get; init; }
    [Id(15)] public DateTimeOffset? LastEvaluatedAt { get; init; }
    /// <summary>What the last training chose to serve, the settings, every candidate's validation figure and why.</summary>
    [Id(16)] public ModelChoice? Choice { get; init; }
}
