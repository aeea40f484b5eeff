namespace Recommender.Grains.Users;

/// <summary>
/// What a user grain remembers of the lists it served, in memory only — a deactivated grain (idle,
/// or its silo gone) forgets them, and a <c>next</c> on a forgotten id is a 404 the client answers by
/// asking for a new list. The last <see cref="MaxLists"/> lists, each with its query and the items
/// served under its id, live <see cref="Lifetime"/> after their last page; and, for rotation, when
/// each item was last served (at most <c>maxServedItems</c>, the oldest go first).
/// </summary>
public sealed class ServedLists(int maxServedItems)
{
    public const int MaxLists = 32;
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);
    /// <summary>Beyond this many items served under one id, <c>next</c> answers an empty page.</summary>
    public const int MaxServedPerList = 1_000;

    public sealed class ServedList(string id, RecommendQuery query)
    {
        public string Id { get; } = id;
        public RecommendQuery Query { get; } = query;
        public HashSet<string> Served { get; } = new(StringComparer.Ordinal);
        public DateTimeOffset LastUsed { get; set; }
    }

    private readonly List<ServedList> _lists = [];
    private readonly Dictionary<string, DateTimeOffset> _servedAt = new(StringComparer.Ordinal);

    /// <summary>Remembers a new list and what it served; returns its id.</summary>
    public string Open(RecommendQuery query, RankedItem[] items, DateTimeOffset now)
    {
        _lists.RemoveAll(l => now - l.LastUsed > Lifetime);
        if (_lists.Count >= MaxLists) _lists.RemoveAt(0);
        var list = new ServedList(Guid.NewGuid().ToString("N"), query);
        _lists.Add(list);
        Serve(list, items, now);
        return list.Id;
    }

    /// <summary>The list of that id, or null when it is unknown, evicted or expired.</summary>
    public ServedList? Find(string id, DateTimeOffset now) =>
        _lists.Find(l => l.Id == id) is { } list && now - list.LastUsed <= Lifetime ? list : null;

    public void Serve(ServedList list, RankedItem[] items, DateTimeOffset now)
    {
        list.LastUsed = now;
        foreach (var item in items)
        {
            list.Served.Add(item.ItemId);
            _servedAt[item.ItemId] = now;
        }
        if (_servedAt.Count > maxServedItems)
            foreach (var (itemId, _) in _servedAt.OrderBy(s => s.Value).Take(_servedAt.Count - maxServedItems).ToArray()) _servedAt.Remove(itemId);
    }

    /// <summary>The items served within <paramref name="window"/> before <paramref name="now"/>.</summary>
    public string[] RecentlyServed(DateTimeOffset now, TimeSpan window) =>
        [.. _servedAt.Where(s => now - s.Value <= window).Select(s => s.Key)];
}
