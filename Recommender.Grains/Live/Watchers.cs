using Recommender.Grains.Rules;

namespace Recommender.Grains.Live;

/// <summary>
/// The web servers watching one user, each with the k it wants, per set of rules (a server watches
/// a user once per distinct filter its connections asked for). A watch that is not renewed within
/// the lease (<see cref="RecommenderOptions.WatchLease"/>) is dropped (its server may have died).
/// </summary>
public sealed class Watchers(TimeSpan lease)
{
    private readonly Dictionary<(IRankingObserver Observer, string? Rules), Entry> _watches = [];

    private sealed record Entry(WatchRules? Rules, int K, DateTime Renewed);

    public bool Any => _watches.Count > 0;

    /// <summary>The largest k any watcher asked for (any rules).</summary>
    public int K => _watches.Count == 0 ? 0 : _watches.Values.Max(o => o.K);

    /// <summary>The largest k asked for under <paramref name="rules"/> (by key; null: unfiltered), at least 1.</summary>
    public int KOf(string? rules)
    {
        var k = 0;
        foreach (var ((_, key), entry) in _watches) if (key == rules && entry.K > k) k = entry.K;
        return Math.Max(1, k);
    }

    public void Add(IRankingObserver observer, int k, WatchRules? rules = null) =>
        _watches[(observer, rules?.Key)] = new Entry(rules, k, DateTime.UtcNow);

    /// <summary>Drops the observer's watch under the rules of key <paramref name="rules"/> (null: its unfiltered one).</summary>
    public void Remove(IRankingObserver observer, string? rules = null) => _watches.Remove((observer, rules));

    /// <summary>Whether anyone still watches under the rules of this key.</summary>
    public bool Watches(string? rules) => _watches.Keys.Any(w => w.Rules == rules);

    /// <summary>
    /// Sends each live watcher the ranking of its rules: <paramref name="rank"/> is called once per
    /// distinct rules with their largest k. Rules that can no longer be applied (a stored filter was
    /// deleted) are skipped: their watchers get nothing until they renew, which then fails for them.
    /// </summary>
    public void Notify(Func<WatchRules?, int, RankingChange> rank)
    {
        var now = DateTime.UtcNow;
        foreach (var (watch, entry) in _watches.ToArray())
            if (now - entry.Renewed > lease) _watches.Remove(watch);
        foreach (var group in _watches.GroupBy(w => w.Key.Rules))
        {
            RankingChange change;
            try
            {
                change = rank(group.First().Value.Rules, group.Max(w => w.Value.K));
            }
            catch (RuleException)
            {
                continue;
            }
            foreach (var watch in group) _ = watch.Key.Observer.RankingChanged(change);
        }
    }
}
