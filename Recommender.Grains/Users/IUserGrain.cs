using Recommender.Grains.Domain;
using Recommender.Grains.Live;

namespace Recommender.Grains.Users;

/// <summary>One user (key: user id). Created by its first event.</summary>
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>Makes the events durable in the user's log, then applies them; answers once they are durable.</summary>
    Task<RecordResult> Record(InteractionEvent[] events);

    Task<Ranking> Recommend(RecommendQuery query);

    /// <summary>
    /// The next <paramref name="k"/> items of a list this grain served (<see cref="Ranking.RecommendationId"/>),
    /// under its query and without any item already served under that id; null when the id is
    /// unknown or expired (<see cref="ServedLists"/>).
    /// </summary>
    Task<Ranking?> Next(string recommendationId, int k);

    /// <summary>The profile, or null for a user never seen.</summary>
    Task<UserProfile?> GetProfile();

    Task<UserExport?> Export();

    /// <summary>Replaces the user's properties (canonical JSON from the API; null removes them all); answers once stored.</summary>
    Task<UserProfile> SetProperties(string? properties);

    /// <summary>Merges a JSON Merge Patch into the user's properties; the error when the merged whole breaks a limit.</summary>
    Task<(UserProfile? Profile, string? ErrorField, string? Error)> PatchProperties(string patch);

    /// <summary>
    /// Subscribes (or renews) a web server's observer: after every event it receives the new
    /// top-<paramref name="k"/> and the diff. Returns the current ranking. Renew within
    /// <see cref="RecommenderOptions.WatchLease"/> or be dropped.
    /// </summary>
    Task<RankingChange> Watch(IRankingObserver observer, int k);

    /// <summary>
    /// As <see cref="Watch"/>, ranked under <paramref name="rules"/> (null: unfiltered): the observer
    /// holds one watch per distinct rules, each pushed its own ranking. Rules that cannot be applied
    /// (an unknown stored filter, a missing $parameter) throw a <see cref="Rules.RuleException"/> and add no watch.
    /// </summary>
    Task<RankingChange> WatchFiltered(IRankingObserver observer, int k, WatchRules? rules);

    /// <summary>
    /// Renews a watch (a web server's periodic re-subscription, or a re-subscribe after an unwatch
    /// race) as <see cref="WatchFiltered"/> does, but its ranking is not shown to anyone: it is not
    /// an impression and carries no recommendationId.
    /// </summary>
    Task<RankingChange> RenewWatch(IRankingObserver observer, int k, WatchRules? rules);

    /// <summary>Drops the observer's unfiltered watch.</summary>
    Task Unwatch(IRankingObserver observer);

    /// <summary>Drops the observer's watch under the rules of key <paramref name="rules"/> (null: the unfiltered one).</summary>
    Task UnwatchFiltered(IRankingObserver observer, string? rules);

    /// <summary>Erases the user's state and event log, and their contribution to item counters.</summary>
    Task Forget();
}
