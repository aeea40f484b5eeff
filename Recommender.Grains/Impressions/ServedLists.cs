using Recommender.Grains.Users;

namespace Recommender.Grains.Impressions;

/// <summary>
/// The lists a user grain served, in memory only: at most <see cref="ImpressionOptions.ListsPerUser"/>,
/// each alive for <see cref="ImpressionOptions.Window"/> after it was served or last continued. They
/// answer <c>next</c> (the query and every item served under the id) and attribution (an event on an
/// item of a live list). A deactivated grain forgets them: a <c>next</c> on a forgotten id is a 404,
/// an event after it is not attributed (docs/API.md). Held compactly — a struct per list in one array
/// grown on demand, the item ids as references to the index's strings — because every user who asks
/// for a list holds one (BENCHMARKS.md, "Memory per user grain", the active user's row).
/// </summary>
public sealed class ServedLists(int capacity)
{
    /// <summary>Beyond this many items served under one id, <c>next</c> answers an empty page.</summary>
    public const int MaxServedPerList = 1_000;

    public struct List
    {
        public Guid Id;
        public long LastUsedMs;
        public ImpressionGroup Group;
        /// <summary>Every item served under the id, in rank order (later pages appended).</summary>
        public string[] Items;
        public RecommendQuery Query;
        /// <summary>(position · 16 + event type) of the events attributed to it, so that each counts once; null until the first.</summary>
        public HashSet<int>? Attributed;
        /// <summary>A pushed ranking (rotation looks only at answered lists).</summary>
        public bool Pushed;
    }

    private List[] _lists = new List[1];
    private int _count;

    /// <summary>Remembers a new list; returns its id (a version-7 GUID: unique, time-ordered).</summary>
    /// <param name="ids">The list's item ids in rank order; held as given (the grain's last ranking shares the array).</param>
    public Guid Open(RecommendQuery query, string[] ids, ImpressionGroup group, long nowMs, bool pushed = false)
    {
        if (_count == _lists.Length)
        {
            if (_count < capacity) Array.Resize(ref _lists, Math.Min(capacity, 2 * _count));
            else { Array.Copy(_lists, 1, _lists, 0, _count - 1); _count--; } // the oldest goes
        }
        var id = Guid.CreateVersion7();
        _lists[_count++] = new List { Id = id, LastUsedMs = nowMs, Group = group, Items = ids, Query = Shared(query), Pushed = pushed };
        return id;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(int K, bool Explain, string Source), RecommendQuery> Plain = new();

    /// <summary>
    /// A query with nothing but k (the common case) is held as one shared instance per (k, explain,
    /// source): ~120 B less per remembered list (BENCHMARKS.md, "Memory per user grain").
    /// </summary>
    private static RecommendQuery Shared(RecommendQuery q) =>
        q is { Category: null, Exclude.Length: 0, Filter: null, FilterName: null, Parameters: null, Offset: 0, Rotation: null, Exploration: null, ApplyRules: true, Strategy: null, PopularShare: 0, Within: null }
            ? Plain.GetOrAdd((q.K, q.Explain, q.Source), key => new RecommendQuery { K = key.K, Explain = key.Explain, Source = key.Source })
            : q;

    /// <summary>The live list of that id (by reference, to append pages and mark attributions), or a null reference.</summary>
    public ref List Find(Guid id, long nowMs, long windowMs)
    {
        for (var i = _count - 1; i >= 0; i--)
            if (_lists[i].Id == id) return ref nowMs - _lists[i].LastUsedMs <= windowMs ? ref _lists[i] : ref System.Runtime.CompilerServices.Unsafe.NullRef<List>();
        return ref System.Runtime.CompilerServices.Unsafe.NullRef<List>();
    }

    /// <summary>The newest live list holding the item, or a null reference.</summary>
    public ref List Showing(string itemId, long nowMs, long windowMs)
    {
        for (var i = _count - 1; i >= 0; i--)
            if (nowMs - _lists[i].LastUsedMs <= windowMs && Array.IndexOf(_lists[i].Items, itemId) >= 0) return ref _lists[i];
        return ref System.Runtime.CompilerServices.Unsafe.NullRef<List>();
    }

    /// <summary>Appends a continued page to a list.</summary>
    public static void Serve(ref List list, RankedItem[] items, long nowMs)
    {
        list.LastUsedMs = nowMs;
        if (items.Length > 0) list.Items = [.. list.Items, .. items.Select(i => i.ItemId)];
    }

    /// <summary>The items of the lists answered (not pushed) within <paramref name="windowMs"/> before now, for rotation.</summary>
    public string[] RecentlyServed(long nowMs, long windowMs)
    {
        var recent = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < _count; i++)
            if (!_lists[i].Pushed && nowMs - _lists[i].LastUsedMs <= windowMs) recent.UnionWith(_lists[i].Items);
        return [.. recent];
    }
}
