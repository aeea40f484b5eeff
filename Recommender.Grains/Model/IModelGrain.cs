namespace Recommender.Grains.Model;

/// <summary>The cluster's one model owner (key 0): trains, publishes versions, applies the retraining rules.</summary>
public interface IModelGrain : IGrainWithIntegerKey
{
    Task<ModelStatus> GetStatus();

    /// <summary>Starts a training (or joins the running one); with <paramref name="wait"/> answers once the new version is published.</summary>
    Task<ModelStatus> Retrain(bool wait, string trigger);

    Task ReportEvaluation(Dictionary<string, double> figures);
}
