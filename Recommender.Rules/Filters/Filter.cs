namespace Recommender.Rules;

/// <summary>
/// A parsed filter over item properties (docs/FILTERS.md): parse once, evaluate per request with a
/// <see cref="FilterBinding"/>. <see cref="Evaluate"/> answers for every slot at once with bitset
/// algebra over <see cref="PropertyColumns"/> (unions of postings, vector scans of number columns,
/// AND/OR/ANDNOT over words); <see cref="Matches"/> is the same meaning on one item's values.
/// Immutable and thread-safe.
/// </summary>
public sealed class Filter
{
    public const int MaxLength = 4096;
    public const int MaxDepth = 32;
    public const int MaxPredicates = 256;
    public const int MaxListValues = 1000;

    private readonly FilterNode _root;
    private readonly ParamOperand[] _parameterUses;

    private Filter(string text, FilterNode root, FilterParser parser)
    {
        Text = text;
        _root = root;
        _parameterUses = [.. parser.Parameters];
        Parameters = [.. _parameterUses.Select(p => p.Name).Distinct(StringComparer.Ordinal)];
        UserProperties = [.. parser.UserProperties];
        UsesNow = parser.UsesNow;
    }

    /// <exception cref="FilterException">The text is not a filter (with the position and the reason).</exception>
    public static Filter Parse(string text)
    {
        var (root, parser) = FilterParser.Parse(text);
        return new Filter(text, root, parser);
    }

    public string Text { get; }

    /// <summary>The $parameter names used (without the '$'), in order of first use.</summary>
    public IReadOnlyCollection<string> Parameters { get; }

    /// <summary>The user.name properties used (without "user."), in order of first use.</summary>
    public IReadOnlyCollection<string> UserProperties { get; }

    public bool UsesNow { get; }

    /// <summary>True when, under this binding, the filter keeps every item or none (e.g. <c>user.tier = 'gold' OR price &lt; 10</c> for a gold user).</summary>
    public bool IsConstant(FilterBinding binding)
    {
        CheckBound(binding);
        return _root.Fold(binding) is not null;
    }

    /// <summary>
    /// Bit i set (word i &gt;&gt; 6, bit i &amp; 63) when slot i (&lt; count) matches; bits from count up are zero.
    /// Slots past <see cref="PropertyColumns.Slots"/> have no properties.
    /// </summary>
    /// <exception cref="FilterException">A $parameter of the filter is not bound.</exception>
    public ulong[] Evaluate(PropertyColumns columns, int count, FilterBinding binding)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        CheckBound(binding);
        var result = new ulong[Bits.Words(count)];
        if (count > 0) _root.Evaluate(new EvalContext(columns, count, binding), result);
        return result;
    }

    /// <summary>The reference semantics on one item's values (tests, single-item checks).</summary>
    /// <exception cref="FilterException">A $parameter of the filter is not bound.</exception>
    public bool Matches(IReadOnlyDictionary<string, PropertyValue> item, FilterBinding binding)
    {
        ArgumentNullException.ThrowIfNull(item);
        CheckBound(binding);
        return _root.Matches(item, binding);
    }

    public override string ToString() => Text;

    /// <summary>Every parameter up front, so an unbound one fails whatever the items (and at its first use).</summary>
    private void CheckBound(FilterBinding binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        foreach (var use in _parameterUses)
            if (!binding.Parameters.ContainsKey(use.Name)) throw use.Unbound();
    }
}
