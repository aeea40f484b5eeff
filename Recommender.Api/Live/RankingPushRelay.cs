using System.Diagnostics;
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

    // Pushes read _watches without a lock; every change of _watches, of a watch's connections and of
    // _byConnection happens under _gate, so "the last watcher left" and the watch's removal are one
    // step. (They were two: a Watch from another connection could join the entry in between, and
    // that watch was never renewed — the grain dropped it after its lease. Issue #11.)
    // A watch is one user under one set of rules (WatchKey): connections watching the same user with
    // different filters are different watches, each its own group and its own subscription.
    private readonly ConcurrentDictionary<string, Watch> _watches = new(StringComparer.Ordinal);
    /// <summary>Connection id → user id → the key of the watch it joined (one per user and connection).</summary>
    private readonly Dictionary<string, Dictionary<string, string>> _byConnection = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private IRankingObserver? _reference;

    /// <summary>The group of the unfiltered watch of a user.</summary>
    public static string Group(string userId) => "user:" + userId;

    /// <summary>The group of a user's watch under rules of key <paramref name="rules"/> (null: unfiltered).</summary>
    public static string Group(string userId, string? rules) => rules is null ? Group(userId) : "user:" + userId + "|rules:" + rules;

    private static string WatchKey(string userId, string? rules) => rules is null ? userId : userId + "\n" + rules;

    /// <summary>Watches (a user under one set of rules) held through this server right now.</summary>
    public int WatchedUsers => _watches.Count;

    private IRankingObserver Reference
    {
        get
        {
            lock (_gate) return _reference ??= grains.CreateObjectReference<IRankingObserver>(this);
        }
    }

    /// <summary>
    /// Adds the connection to the group of the user's watch under <paramref name="rules"/> and
    /// subscribes to the user (or renews with a larger k). A connection watches a user once: a second
    /// Watch of the same user replaces its k and rules. A connection watches at most
    /// <see cref="LiveOptions.MaxWatchesPerConnection"/> users: each watched user is an active grain
    /// and a renewal per period, so one socket must not hold thousands.
    /// </summary>
    /// <exception cref="HubException">The connection already watches as many users as allowed.</exception>
    /// <exception cref="Grains.Rules.RuleException">The rules cannot be applied (the watch is not kept).</exception>
    public async Task<RankingChangedMessage> WatchAsync(string connectionId, string userId, int k, WatchRules? rules = null)
    {
        var ruleKey = rules?.Key;
        var key = WatchKey(userId, ruleKey);
        Watch watch;
        int effectiveK;
        string? replaced;
        lock (_gate)
        {
            var watched = _byConnection.GetValueOrDefault(connectionId);
            if (watched is null || !watched.ContainsKey(userId))
            {
                if (watched?.Count >= _options.MaxWatchesPerConnection)
                    throw new HubException($"A connection may watch at most {_options.MaxWatchesPerConnection} users; unwatch one first.");
                if (watched is null) _byConnection[connectionId] = watched = new Dictionary<string, string>(StringComparer.Ordinal);
            }
            replaced = watched.GetValueOrDefault(userId);
            if (replaced == key) replaced = null;
            watched[userId] = key;
            watch = _watches.GetOrAdd(key, _ => new Watch(userId, rules));
            watch.Connections[connectionId] = k;
            effectiveK = watch.K;
        }
        if (replaced is not null) await LeaveWatchAsync(connectionId, replaced);
        // Join the group before subscribing, so no push after the answer is missed.
        await hub.Groups.AddToGroupAsync(connectionId, Group(userId, ruleKey));
        RankingChange current;
        try
        {
            current = await grains.GetGrain<IUserGrain>(userId).WatchFiltered(Reference, effectiveK, rules);
            watch.Lapsed = false; // its rules apply again (a stored filter put back under its name)
        }
        catch (Grains.Rules.RuleException)
        {
            // Rules the grain cannot apply: no watch was added there; none stays here.
            await UnwatchAsync(connectionId, userId);
            throw;
        }
        watch.Advance(current.Sequence);
        return RankingChangedMessage.From(current);
    }

    public async Task UnwatchAsync(string connectionId, string userId)
    {
        string? key;
        lock (_gate)
        {
            if (!_byConnection.TryGetValue(connectionId, out var watched) || !watched.Remove(userId, out key)) return;
            if (watched.Count == 0) _byConnection.Remove(connectionId);
        }
        await LeaveWatchAsync(connectionId, key);
    }

    /// <summary>Takes the connection out of the watch of <paramref name="key"/> (already gone from <see cref="_byConnection"/>).</summary>
    private async Task LeaveWatchAsync(string connectionId, string key)
    {
        bool last;
        Watch? watch;
        lock (_gate)
        {
            _watches.TryGetValue(key, out watch);
            last = Leave(connectionId, key);
        }
        if (watch is null) return;
        await hub.Groups.RemoveFromGroupAsync(connectionId, Group(watch.UserId, watch.Rules?.Key));
        if (last) await UnsubscribeAsync(key, watch);
    }

    /// <summary>Drops every watch of a closed connection (SignalR removes it from its groups).</summary>
    public async Task ConnectionClosedAsync(string connectionId)
    {
        var unwatched = new List<(string Key, Watch Watch)>();
        lock (_gate)
        {
            if (!_byConnection.Remove(connectionId, out var watched)) return;
            foreach (var key in watched.Values)
                if (_watches.TryGetValue(key, out var watch) && Leave(connectionId, key)) unwatched.Add((key, watch));
        }
        foreach (var (key, watch) in unwatched)
        {
            try
            {
                await UnsubscribeAsync(key, watch);
            }
            catch (Exception e)
            {
                // The grain drops the watch after its lease anyway.
                logger.LogWarning(e, "Unsubscribing from user {UserId} failed", watch.UserId);
            }
        }
    }

    /// <summary>Under <see cref="_gate"/>: removes the connection from the watch; true if it was the last, and the watch is gone.</summary>
    private bool Leave(string connectionId, string key)
    {
        if (!_watches.TryGetValue(key, out var watch) || !watch.Connections.Remove(connectionId) || watch.Connections.Count > 0) return false;
        _watches.TryRemove(key, out _);
        return true;
    }

    private async Task UnsubscribeAsync(string key, Watch watch)
    {
        var grain = grains.GetGrain<IUserGrain>(watch.UserId);
        await grain.UnwatchFiltered(Reference, watch.Rules?.Key);
        // Another connection may have watched the user meanwhile, and its Watch may have reached the
        // grain before this Unwatch (calls in flight are not ordered): subscribe once more.
        Watch? again;
        int k;
        lock (_gate)
        {
            if (!_watches.TryGetValue(key, out again)) return;
            k = again.K;
        }
        again.Advance((await grain.RenewWatch(Reference, k, again.Rules)).Sequence);
    }

    public async Task RankingChanged(RankingChange change)
    {
        // Pushes may overtake each other in flight; an older ranking never replaces a newer one.
        if (_watches.TryGetValue(WatchKey(change.UserId, change.Rules), out var watch) && !watch.Advance(change.Sequence)) return;
        // A child of the user grain's call to this observer: the event's trace ends with its push.
        using var activity = RecommenderTracing.Source.StartActivity(RecommenderTracing.PushSpan, ActivityKind.Producer);
        activity?.SetTag("recommender.sequence", change.Sequence);
        await hub.Clients.Group(Group(change.UserId, change.Rules)).SendAsync("rankingChanged", RankingChangedMessage.From(change));
        if (change.ReceivedAt is { } received) RecommenderMetrics.Pushed((DateTimeOffset.UtcNow - received).TotalMilliseconds);
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        RecommenderMetrics.TrackWatchers(() => _watches.Count);
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
        (string UserId, int K, WatchRules? Rules, Watch Watch)[] due;
        lock (_gate) due = [.. _watches.Values.Where(w => !w.Lapsed).Select(w => (w.UserId, w.K, w.Rules, w))];
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = RenewParallelism, CancellationToken = cancellationToken }, async (watch, _) =>
        {
            try
            {
                await grains.GetGrain<IUserGrain>(watch.UserId).RenewWatch(Reference, watch.K, watch.Rules);
            }
            catch (Grains.Rules.RuleException e)
            {
                // Its stored filter was deleted (docs/API.md): the watch lapses; it is not renewed again,
                // and not warned about every period.
                watch.Watch.Lapsed = true;
                logger.LogInformation("The watch of user {UserId} under {Rules} lapses: {Field}: {Reason}", watch.UserId, watch.Rules?.Key, e.Field, e.Reason);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Renewing the watch of user {UserId} failed; will retry", watch.UserId);
            }
        });
    }

    /// <summary>One user watched under one set of rules by some of this server's connections.</summary>
    private sealed class Watch(string userId, WatchRules? rules)
    {
        public string UserId { get; } = userId;
        public WatchRules? Rules { get; } = rules;

        /// <summary>Its rules can no longer be applied (a deleted stored filter): no more renewals.</summary>
        public bool Lapsed { get; set; }

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
