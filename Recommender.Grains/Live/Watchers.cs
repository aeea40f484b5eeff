namespace Recommender.Grains.Live;

/// <summary>
/// The web servers watching one user, each with the k it wants. A watcher that does not renew
/// its subscription within the lease (<see cref="RecommenderOptions.WatchLease"/>) is dropped
/// (its server may have died).
/// </summary>
public sealed class Watchers(TimeSpan lease)
{
    private readonly Dictionary<IRankingObserver, (int K, DateTime Renewed)> _observers = [];

    public bool Any => _observers.Count > 0;

    /// <summary>The largest k any watcher asked for.</summary>
    public int K => _observers.Count == 0 ? 0 : _observers.Values.Max(o => o.K);

    public void Add(IRankingObserver observer, int k) => _observers[observer] = (k, DateTime.UtcNow);

    public void Remove(IRankingObserver observer) => _observers.Remove(observer);

    public void Notify(RankingChange change)
    {
        var now = DateTime.UtcNow;
        foreach (var (observer, entry) in _observers.ToArray())
        {
            if (now - entry.Renewed > lease) { _observers.Remove(observer); continue; }
            _ = observer.RankingChanged(change);
        }
    }
}
