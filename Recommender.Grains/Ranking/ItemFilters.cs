using System.Collections.Concurrent;
using Recommender.Grains.Items;
using Recommender.Grains.Rules;
using Recommender.Grains.Users;
using Recommender.Rules;

namespace Recommender.Grains.Ranking;

/// <summary>
/// Turns a request's filter (inline or stored, with its $parameters and the user's properties)
/// into the slots it rejects, over this silo's <see cref="ItemIndex.Columns"/>. Parsed filters are
/// cached by text; a filter that depends on nothing but the items (no $parameter, no user., no
/// now) keeps its evaluation until the columns change — what a stored filter like
/// <c>inStock AND price &lt; 50</c> costs per request is then a copy of its words.
/// </summary>
public sealed class ItemFilters(ItemIndex index, RuleStore rules)
{
    private const int MaxCached = 1024;
    private readonly ConcurrentDictionary<string, Filter> _parsed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (long Version, int Count, ulong[] Bits)> _evaluated = new(StringComparer.Ordinal);

    /// <summary>The filters of a query (none, one or two), resolved and parsed.</summary>
    /// <exception cref="RuleException">An unknown stored filter or a text that does not parse.</exception>
    public IReadOnlyList<Filter> Of(RecommendQuery query)
    {
        if (!query.IsFiltered) return [];
        var filters = new List<Filter>(2);
        if (query.FilterName is { } name)
        {
            if (!rules.TryGetFilter(name, out var stored)) throw new RuleException("filterName", $"No stored filter is named '{name}' (see GET /api/v1/filters).");
            filters.Add(Parse(stored.Expression, "filterName"));
        }
        if (query.Filter is { } text) filters.Add(Parse(text, "filter"));
        return filters;
    }

    public Filter Parse(string text, string field)
    {
        if (_parsed.TryGetValue(text, out var filter)) return filter;
        try
        {
            filter = Filter.Parse(text);
        }
        catch (FilterException e)
        {
            throw new RuleException(field, e.Message);
        }
        if (_parsed.Count >= MaxCached) _parsed.Clear();
        return _parsed[text] = filter;
    }

    /// <summary>Sets in <paramref name="excluded"/> every slot below <paramref name="count"/> that one of the query's filters rejects.</summary>
    /// <exception cref="RuleException">A $parameter a filter needs was not given.</exception>
    public void Exclude(Span<ulong> excluded, int count, RecommendQuery query, UserTaste taste, long nowMs)
    {
        var filters = Of(query);
        if (filters.Count == 0) return;
        var binding = new FilterBinding
        {
            Parameters = query.Parameters is { } json ? PropertyBag.FromJson(json) : PropertyBag.Empty,
            User = taste.UserProperties,
            NowMs = nowMs,
        };
        foreach (var filter in filters)
            if (filter.Parameters.FirstOrDefault(p => !binding.Parameters.ContainsKey(p)) is { } missing)
                throw new RuleException("param." + missing, $"The filter uses ${missing}: give it as param.{missing}=….");
        foreach (var filter in filters)
        {
            var matched = Matched(filter, count, binding);
            var words = Math.Min(excluded.Length, matched.Length);
            for (var w = 0; w < words; w++) excluded[w] |= ~matched[w];
        }
    }

    /// <summary>
    /// The slots below <paramref name="count"/> that a rule's filter (a promotion's, a boost's) keeps,
    /// read-only (it may be the cached evaluation), bound to the user's properties and the time. Null
    /// when it cannot be evaluated now — its stored filter was deleted or needs a $parameter, which a
    /// rule has no request to take from: the rule is then skipped, the request is not failed for it.
    /// </summary>
    public ulong[]? Matching(string? text, string? filterName, int count, UserTaste taste, long nowMs)
    {
        if (filterName is not null)
        {
            if (!rules.TryGetFilter(filterName, out var stored)) return null;
            text = stored.Expression;
        }
        if (text is null) return null;
        try
        {
            var filter = Parse(text, "filter");
            if (filter.Parameters.Count > 0) return null;
            return Matched(filter, count, new FilterBinding { Parameters = PropertyBag.Empty, User = taste.UserProperties, NowMs = nowMs });
        }
        catch (RuleException)
        {
            return null;
        }
    }

    private ulong[] Matched(Filter filter, int count, FilterBinding binding)
    {
        var independent = filter.Parameters.Count == 0 && filter.UserProperties.Count == 0 && !filter.UsesNow;
        var version = index.Columns.Version;
        if (independent && _evaluated.TryGetValue(filter.Text, out var cached) && cached.Version == version && cached.Count == count) return cached.Bits;
        ulong[] bits;
        try
        {
            bits = filter.Evaluate(index.Columns, count, binding);
        }
        catch (FilterException e)
        {
            throw new RuleException("param", e.Message);
        }
        if (independent)
        {
            if (_evaluated.Count >= MaxCached) _evaluated.Clear();
            _evaluated[filter.Text] = (version, count, bits);
        }
        return bits;
    }
}
