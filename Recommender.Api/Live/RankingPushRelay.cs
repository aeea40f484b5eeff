using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Recommender.Grains.Live;
using Recommender.Grains.Telemetry;
using Recommender.Grains.Users;

namespace Recommender.Api.Live;

/// <summary>
/// This web server's single observer of user grains (as in the GPSTracker sample): it subscribes
/// to each user watched by any of its connections, renews the subscriptions periodically, and
/// forwards every new ranking to the SignalR group of that user. Works wherever the user's grain
/// lives, on this process's silo or on another one.
/// </summary>
public sealed class RankingPushRelay(IGrainFactory grains, IHubContext<RecommendationsHub> hub, IOptions<LiveOptions> options, ILogger<RankingPushRelay> logger)
    : BackgroundService, IRankingObserver
{
    /// <summary>Renewals in flight at once: enough to renew thousands of users within a period, few enough not to flood the silos.</summary>
    private const int RenewParallelism = 16;

    private readonly LiveOptions _options = options.Value;

    // Pushes read _users without a lock; every change of _users, of a user's connections and of
    // _byConnection happens under _gate, so "the last watcher left" and the user's removal are one
    // step. (They were two: a Watch from another connection could join the entry in between, and
    // that watch was never renewed — the grain dropped it after its lease. Issue #11.)
    private readonly ConcurrentDictionary<string, WatchedUser> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _byConnection = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private IRankingObserver? _reference;

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

    /// <summary>
    /// Adds the connection to the user's group and subscribes to the user (or renews with a larger k).
    /// A connection watches at most <see cref="LiveOptions.MaxWatchesPerConnection"/> users: each
    /// watched user is an active grain and a renewal per period, so one socket must not hold thousands.
    /// </summary>
    /// <exception cref="HubException">The connection already watches as many users as allowed.</exception>
    public async Task<RankingChangedMessage> WatchAsync(string connectionId, string userId, int k)
    {
        WatchedUser user;
        int effectiveK;
        lock (_gate)
        {
            var watched = _byConnection.GetValueOrDefault(connectionId);
            if (watched is null || !watched.Contains(userId))
            {
                if (watched?.Count >= _options.MaxWatchesPerConnection)
                    throw new HubException($"A connection may watch at most {_options.MaxWatchesPerConnection} users; unwatch one first.");
                if (watched is null) _byConnection[connectionId] = watched = new HashSet<string>(StringComparer.Ordinal);
                watched.Add(userId);
            }
            user = _users.GetOrAdd(userId, _ => new WatchedUser());
            user.Connections[connectionId] = k;
            effectiveK = user.K;
        }
        // Join the group before subscribing, so no push after the answer is missed.
        await hub.Groups.AddToGroupAsync(connectionId, Group(userId));
        var current = await grains.GetGrain<IUserGrain>(userId).Watch(Reference, effectiveK);
        user.Advance(current.Sequence);
        return RankingChangedMessage.From(current);
    }

    public async Task UnwatchAsync(string connectionId, string userId)
    {
        await hub.Groups.RemoveFromGroupAsync(connectionId, Group(userId));
        bool last;
        lock (_gate)
        {
            if (_byConnection.TryGetValue(connectionId, out var watched) && watched.Remove(userId) && watched.Count == 0)
                _byConnection.Remove(connectionId);
            last = Leave(connectionId, userId);
        }
        if (last) await UnsubscribeAsync(userId);
    }

    /// <summary>Drops every watch of a closed connection (SignalR removes it from its groups).</summary>
    public async Task ConnectionClosedAsync(string connectionId)
    {
        var unwatched = new List<string>();
        lock (_gate)
        {
            if (!_byConnection.Remove(connectionId, out var watched)) return;
            foreach (var userId in watched)
                if (Leave(connectionId, userId)) unwatched.Add(userId);
        }
        foreach (var userId in unwatched)
        {
            try
            {
                await UnsubscribeAsync(userId);
            }
            catch (Exception e)
            {
                // The grain drops the watch after its lease anyway.
                logger.LogWarning(e, "Unsubscribing from user {UserId} failed", userId);
            }
        }
    }

    /// <summary>Under <see cref="_gate"/>: removes the connection's watch; true if it was the user's last, and the user is no longer watched.</summary>
    private bool Leave(string connectionId, string userId)
    {
        if (!_users.TryGetValue(userId, out var user) || !user.Connections.Remove(connectionId) || user.Connections.Count > 0) return false;
        _users.TryRemove(userId, out _);
        return true;
    }

    private async Task UnsubscribeAsync(string userId)
    {
        var grain = grains.GetGrain<IUserGrain>(userId);
        await grain.Unwatch(Reference);
        // Another connection may have watched the user meanwhile, and its Watch may have reached the
        // grain before this Unwatch (calls in flight are not ordered): subscribe once more.
        WatchedUser? again;
        int k;
        lock (_gate)
        {
            if (!_users.TryGetValue(userId, out again)) return;
            k = again.K;
        }
        again.Advance((await grain.Watch(Reference, k)).Sequence);
    }

    public async Task RankingChanged(RankingChange change)
    {
        // Pushes may overtake each other in flight; an older ranking never replaces a newer one.
        if (_users.TryGetValue(change.UserId, out var user) && !user.Advance(change.Sequence)) return;
        await hub.Clients.Group(Group(change.UserId)).SendAsync("rankingChanged", RankingChangedMessage.From(change));
        if (change.ReceivedAt is { } received) RecommenderMetrics.Pushed((DateTimeOffset.UtcNow - received).TotalMilliseconds);
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        RecommenderMetrics.TrackWatchers(() => _users.Count);
        return base.StartAsync(cancellationToken);
    }

    /// <summary>
    /// Re-subscribes every watched user each <see cref="LiveOptions.RenewPeriod"/>, so a restarted or
    /// moved grain learns about this server again. A PeriodicTimer never overlaps two renewals (a
    /// System.Threading.Timer did, when one took longer than the period).
    /// </summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.RenewPeriod);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await RenewAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        (string UserId, int K)[] due;
        lock (_gate) due = [.. _users.Select(u => (u.Key, u.Value.K))];
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = RenewParallelism, CancellationToken = cancellationToken }, async (watch, _) =>
        {
            try
            {
                await grains.GetGrain<IUserGrain>(watch.UserId).Watch(Reference, watch.K);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Renewing the watch of user {UserId} failed; will retry", watch.UserId);
            }
        });
    }

    private sealed class WatchedUser
    {
        private long _sequence = long.MinValue;

        /// <summary>Connection id → the k it asked for. Read and changed under the relay's gate only.</summary>
        public Dictionary<string, int> Connections { get; } = new(StringComparer.Ordinal);

        /// <summary>The largest k any connection asked for (under the gate).</summary>
        public int K => Connections.Count == 0 ? 1 : Connections.Values.Max();

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
