namespace Recommender.Grains.Model;

/// <summary>The cluster's one model owner (key 0): trains, publishes versions, applies the retraining rules.</summary>
public interface IModelGrain : IGrainWithIntegerKey
{
    Task<ModelStatus> GetStatus();

    /// <summary>
    /// Starts a training (or queues one behind the running one); with <paramref name="wait"/> answers
    /// once the new version is published. A training with its self-tuning can outlast Orleans' default
    /// 30 s response timeout on a large log, hence the longer one.
    /// </summary>
    [ResponseTimeout("00:30:00")]
    Task<ModelStatus> Retrain(bool wait, string trigger);

    Task ReportEvaluation(Dictionary<string, double> figures);
}
