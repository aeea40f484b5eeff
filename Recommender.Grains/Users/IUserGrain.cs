using Recommender.Grains.Domain;

namespace Recommender.Grains.Users;

/// <summary>One user (key: user id). Created by its first event.</summary>
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>Makes the events durable in the user's log, then applies them; answers once they are durable.</summary>
    Task<RecordResult> Record(InteractionEvent[] events);

    Task<Ranking> Recommend(RecommendQuery query);

    /// <summary>The profile, or null for a user never seen.</summary>
    Task<UserProfile?> GetProfile();

    Task<UserExport?> Export();

    /// <summary>Erases the user's state and event log, and their contribution to item counters.</summary>
    Task Forget();
}
