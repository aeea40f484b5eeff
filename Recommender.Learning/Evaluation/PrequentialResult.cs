namespace Recommender.Learning;

/// <summary>Test-then-learn outcome: hits over the scored events for the model and the popularity baseline.</summary>
public sealed record PrequentialResult(int StreamEvents, int TrainEvents, int WarmupEvents, int ScoredEvents, int AlsHits, int PopularityHits, TimeSpan Elapsed)
{
    /// <summary>Scored events of users with no earlier event (answered from popularity) and their hits.</summary>
    public int ColdEvents { get; init; }
    public int ColdHits { get; init; }

    public double AlsRecall => ScoredEvents == 0 ? 0 : (double)AlsHits / ScoredEvents;
    public double PopularityRecall => ScoredEvents == 0 ? 0 : (double)PopularityHits / ScoredEvents;
}
