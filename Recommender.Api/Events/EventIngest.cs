using Recommender.Grains.Users;

namespace Recommender.Api.Events;

/// <summary>Sends validated events to their users' grains, one call per user, all users in parallel.</summary>
public sealed class EventIngest(IGrainFactory grains)
{
    public async Task<RecordResult> RecordAsync(IReadOnlyList<IncomingEvent> events)
    {
        if (events.Count == 1)
            return await grains.GetGrain<IUserGrain>(events[0].UserId).Record([events[0].Event]);

        var byUser = new Dictionary<string, List<Grains.Domain.InteractionEvent>>(StringComparer.Ordinal);
        foreach (var incoming in events)
        {
            if (!byUser.TryGetValue(incoming.UserId, out var list)) byUser[incoming.UserId] = list = [];
            list.Add(incoming.Event);
        }
        var calls = new Task<RecordResult>[byUser.Count];
        var i = 0;
        foreach (var (userId, list) in byUser) calls[i++] = grains.GetGrain<IUserGrain>(userId).Record([.. list]);
        var results = await Task.WhenAll(calls);
        return new RecordResult(results.Sum(r => r.Accepted), results.Sum(r => r.Duplicates));
    }
}
