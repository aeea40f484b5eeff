using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Recommender.Grains.Live;
using Recommender.Grains.Telemetry;
using Recommender.Grains.Users;

namespace Recommender.Api.Live;

/// <summary>
/// This web server's single observer of user grains (as in the GPSTracker sample): it subscribes
/// to each user watched by any of its connections, renews the subscriptions on a timer, and
/// forwards every new ranking to the SignalR group of that user. Works wherever the user's grain
/// lives, on this process's silo or on another one.
/// </summary>
public sealed class RankingPushRelay(IGrainFactory grains, IHubContext<RecommendationsHub> hub, IOptions<LiveOptions> options, ILogger<RankingPushRelay> logger)
    : IRankingObserver, IHostedService, IDisposable
{
    private readonly TimeSpan _renewPeriod = options.Value.RenewPeriod;

    private readonly ConcurrentDictionary<string, WatchedUser> _users = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private IRankingObserver? _reference;
    private Timer? _renew;

    public static string Group(string userId) => "user:" + userId;

    /// <summary>Users watched through this server right now.</summary>
    public int WatchedUsers => _users.Count;

    private IRankingObserver Reference
    {
        get
        {
            lock (_gate) return _reference ??= grains.CreateObjectReference<IRankingObserver>(this);
        }
    }

    public async Task<RankingChangedMessage> WatchAsync(string connectionId, string userId, int k)
    {
        var user = _users.GetOrAdd(userId, _ => new WatchedUser());
        int effectiveK;
        lock (user) { user.Connections[connectionId] = k; effectiveK = user.Connections.Values.Max(); }
        var current = await grains.GetGrain<IUserGrain>(userId).Watch(Reference, effectiveK);
        user.Advance(current.Sequence);
        return RankingChangedMessage.From(current);
    }

    public async Task UnwatchAsync(string connectionId, string userId)
    {
        if (!_users.TryGetValue(userId, out var user)) return;
        bool last;
        lock (user) { user.Connections.Remove(connectionId); last = user.Connections.Count == 0; }
        if (!last) return;
        _users.TryRemove(userId, out _);
        await grains.GetGrain<IUserGrain>(userId).Unwatch(Reference);
    }

    public async Task ConnectionClosedAsync(string connectionId)
    {
        foreach (var (userId, user) in _users.ToArray())
        {
            bool watched;
            lock (user) watched = user.Connections.ContainsKey(connectionId);
            if (watched) await UnwatchAsync(connectionId, userId);
        }
    }

    public async Task RankingChanged(RankingChange change)
    {
        // Pushes may overtake each other in flight; an older ranking never replaces a newer one.
        if (_users.TryGetValue(change.UserId, out var user) && !user.Advance(change.Sequence)) return;
        await hub.Clients.Group(Group(change.UserId)).SendAsync("rankingChanged", RankingChangedMessage.From(change));
        if (change.ReceivedAt is { } received) RecommenderMetrics.Pushed((DateTimeOffset.UtcNow - received).TotalMilliseconds);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        RecommenderMetrics.TrackWatchers(() => _users.Count);
        _renew = new Timer(_ => _ = RenewAsync(), null, _renewPeriod, _renewPeriod);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _renew?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _renew?.Dispose();

    /// <summary>Re-subscribes every watched user, so a restarted or moved grain learns about this server again.</summary>
    private async Task RenewAsync()
    {
        foreach (var (userId, user) in _users.ToArray())
        {
            int k;
            lock (user) { if (user.Connections.Count == 0) continue; k = user.Connections.Values.Max(); }
            try
            {
                await grains.GetGrain<IUserGrain>(userId).Watch(Reference, k);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Renewing the watch of user {UserId} failed; will retry", userId);
            }
        }
    }

    private sealed class WatchedUser
    {
        private long _sequence = -1;
        public Dictionary<string, int> Connections { get; } = new(StringComparer.Ordinal);

        /// <summary>Records the sequence if it is not older than the last one seen.</summary>
        public bool Advance(long sequence)
        {
            while (true)
            {
                var seen = Interlocked.Read(ref _sequence);
                if (sequence < seen) return false;
                if (Interlocked.CompareExchange(ref _sequence, sequence, seen) == seen) return true;
            }
        }
    }
}
