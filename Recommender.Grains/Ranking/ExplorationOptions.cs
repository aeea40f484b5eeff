namespace Recommender.Grains.Ranking;

/// <summary><c>Recommender:Exploration</c>: how much of a personal list goes to new items (<see cref="Exploration"/>).</summary>
public sealed class ExplorationOptions
{
    public const string Section = "Recommender:Exploration";

    /// <summary>
    /// The default share of a personal list given to new items when a request does not say
    /// (AWS Personalize's explorationWeight). 0: exploration is opt-in per request — new items already
    /// reach matching users organically through their content start (ColdStart), and a list that
    /// changes its makeup without being asked breaks clients' A/B baselines; a catalogue that wants
    /// steady exploration sets e.g. 0.1 (one place in ten).
    /// </summary>
    public double Share { get; set; }

    /// <summary>Items created longer ago than this are never "new" (AWS's itemExplorationAgeCutOff).</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(30);
}
