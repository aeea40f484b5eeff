using Recommender.Rules;

namespace Recommender.Tests.Rules;

/// <summary>The language, read through <see cref="Filter.Matches"/> on small items, and checked once more through the columns.</summary>
public class FilterParserTests
{
    private const long Now = 1_780_000_000_000; // 2026-05-28

    private static readonly Dictionary<string, PropertyValue> Item = new()
    {
        ["a"] = PropertyValue.Of(1),
        ["b"] = PropertyValue.Of(2),
        ["price"] = PropertyValue.Of(49.5),
        ["region"] = PropertyValue.Of("EU"),
        ["brand"] = PropertyValue.Of("acme"),
        ["title"] = PropertyValue.Of("It's \"quoted\" \\ here"),
        ["onSale"] = PropertyValue.Of(true),
        ["archived"] = PropertyValue.Of(false),
        ["categories"] = PropertyValue.Of(["shoes", "sport"]),
        ["createdAt"] = PropertyValue.Timestamp(Now - 10 * 86_400_000L),
    };

    private static readonly FilterBinding Binding = FilterBinding.At(Now) with
    {
        Parameters = new Dictionary<string, PropertyValue>
        {
            ["max"] = PropertyValue.Of(50),
            ["regions"] = PropertyValue.Of(["EU", "UK"]),
            ["region"] = PropertyValue.Of("EU"),
            ["cats"] = PropertyValue.Of(["shoes", "sport", "hats"]),
        },
        User = new Dictionary<string, PropertyValue>
        {
            ["tier"] = PropertyValue.Of("gold"),
            ["region"] = PropertyValue.Of("EU"),
            ["budget"] = PropertyValue.Of(40),
            ["interests"] = PropertyValue.Of(["sport", "music"]),
        },
    };

    /// <summary>Matches on the item, and the same answer from Evaluate over a column store of it (slot 1 of 3).</summary>
    private static bool M(string text)
    {
        var filter = Filter.Parse(text);
        var matches = filter.Matches(Item, Binding);
        var columns = new PropertyColumns();
        columns.Set(0, new Dictionary<string, PropertyValue>());
        columns.Set(1, Item);
        var bits = filter.Evaluate(columns, 3, Binding);
        Assert.Equal(matches, (bits[0] & 2) != 0);
        Assert.Equal(0UL, bits[0] & ~7UL);
        return matches;
    }

    [Theory]
    [InlineData("a = 1 OR b = 1 AND a = 2", true)]      // OR(a=1, AND(b=1, a=2))
    [InlineData("(a = 1 OR b = 1) AND a = 2", false)]
    [InlineData("NOT a = 2 AND b = 3", false)]          // (NOT a=2) AND b=3, not NOT (a=2 AND b=3)
    [InlineData("NOT (a = 1 AND b = 3)", true)]
    [InlineData("NOT a = 1 OR b = 2", true)]            // (NOT a=1) OR b=2
    [InlineData("NOT (a = 1 OR b = 2)", false)]
    [InlineData("NOT NOT a = 1", true)]
    [InlineData("((a = 1))", true)]
    [InlineData("a = 2 OR a = 3 OR b = 2", true)]
    [InlineData("a = 1 AND b = 2 AND price < 50", true)]
    [InlineData("a = 1 AND b = 2 AND price < 40", false)]
    public void Precedence_is_not_then_and_then_or(string text, bool expected) => Assert.Equal(expected, M(text));

    [Theory]
    [InlineData("a = 1", true)]
    [InlineData("a != 1", false)]
    [InlineData("a != 2", true)]
    [InlineData("a < 1", false)]
    [InlineData("a <= 1", true)]
    [InlineData("a > 0.5", true)]
    [InlineData("a >= 1.5", false)]
    [InlineData("1 < b", true)]                         // constant on the left: b > 1
    [InlineData("2 >= b", true)]
    [InlineData("price < 1e2", true)]
    [InlineData("price > -12.5", true)]
    [InlineData("price=49.5", true)]
    [InlineData("region = 'EU'", true)]
    [InlineData("region = \"EU\"", true)]
    [InlineData("region = 'eu'", false)]                // ordinal, case-sensitive
    [InlineData("region != 'US'", true)]
    [InlineData("region < 'F'", true)]                  // ordinal order
    [InlineData("region > 'E'", true)]
    [InlineData("region >= 'e'", false)]                // 'E' < 'e' ordinally
    [InlineData("title = 'It\\'s \"quoted\" \\\\ here'", true)]
    [InlineData("title = \"It's \\\"quoted\\\" \\\\ here\"", true)]
    [InlineData("a = '1'", false)]                      // number vs string: false
    [InlineData("a != '1'", false)]                     // ... for != too
    [InlineData("region = 1", false)]
    public void Comparisons(string text, bool expected) => Assert.Equal(expected, M(text));

    [Theory]
    [InlineData("region IN ('US', 'EU')", true)]
    [InlineData("region IN ('US')", false)]
    [InlineData("region NOT IN ('US', 'UK')", true)]
    [InlineData("region NOT IN ('EU')", false)]
    [InlineData("a IN (1, 2, 3, 4, 5, 6)", true)]       // more numbers than vector scans: the hash-set pass
    [InlineData("a IN (2, 3)", false)]
    [InlineData("a NOT IN (2, 3)", true)]
    [InlineData("missing NOT IN (2, 3)", false)]        // NOT IN is false without the property
    [InlineData("NOT missing IN (2, 3)", true)]
    [InlineData("categories IN ('hats', 'sport')", true)]  // IN on a list = HAS ANY
    [InlineData("categories HAS ANY ('hats', 'sport')", true)]
    [InlineData("categories HAS ANY ('hats')", false)]
    [InlineData("categories HAS ALL ('shoes', 'sport')", true)]
    [InlineData("categories HAS ALL ('shoes', 'hats')", false)]
    [InlineData("categories = 'shoes'", true)]          // = on a list: contains
    [InlineData("categories != 'shoes'", false)]
    [InlineData("categories != 'hats'", true)]
    [InlineData("categories < 'z'", false)]             // lists do not order
    [InlineData("region HAS ANY ('EU')", true)]         // a single value is a list of one
    [InlineData("region IN $regions", true)]
    [InlineData("region NOT IN $regions", false)]
    [InlineData("region IN $region", true)]             // a scalar parameter is a list of one
    [InlineData("categories HAS ALL $cats", false)]
    [InlineData("categories HAS ANY $cats", true)]
    [InlineData("categories HAS ANY user.interests", true)]
    [InlineData("categories HAS ANY user.nothing", false)]
    [InlineData("region EXISTS", true)]
    [InlineData("missing EXISTS", false)]
    [InlineData("NOT missing EXISTS", true)]
    [InlineData("user.tier EXISTS", true)]
    [InlineData("user.nothing EXISTS", false)]
    [InlineData("user.tier IN ('gold', 'silver')", true)]
    [InlineData("user.interests HAS ANY ('music')", true)]
    public void Lists_and_existence(string text, bool expected) => Assert.Equal(expected, M(text));

    [Theory]
    [InlineData("onSale", true)]
    [InlineData("archived", false)]
    [InlineData("NOT archived", true)]
    [InlineData("missing", false)]
    [InlineData("NOT missing", true)]
    [InlineData("onSale = true", true)]
    [InlineData("onSale != false", true)]
    [InlineData("archived = FALSE", true)]
    [InlineData("onSale AND NOT archived", true)]
    [InlineData("region", false)]                       // a string is not true
    [InlineData("a = true", false)]                     // nor is a number
    [InlineData("true", true)]
    [InlineData("false OR a = 1", true)]
    public void Bare_booleans(string text, bool expected) => Assert.Equal(expected, M(text));

    [Theory]
    [InlineData("createdAt > now - 30d", true)]
    [InlineData("createdAt > now-30d", true)]
    [InlineData("createdAt > now - 1w", false)]
    [InlineData("createdAt < now", true)]
    [InlineData("createdAt < now + 1ms", true)]
    [InlineData("createdAt >= now - 240h", true)]       // exactly 10 days
    [InlineData("createdAt > now - 240h", false)]
    [InlineData("createdAt > now - 14399.5m", false)]   // 10 days less 30 s
    [InlineData("createdAt > now - 864000s", false)]
    [InlineData("createdAt > now - 864000001ms", true)]
    [InlineData("createdAt > now - 1.5h", false)]
    [InlineData("createdAt > '2026-01-01T00:00:00Z'", true)] // an RFC 3339 string is a timestamp
    [InlineData("createdAt < '2026-01-01T01:00:00+01:00'", false)]
    [InlineData("createdAt > 1000", true)]              // a timestamp property vs a number: Unix ms
    [InlineData("createdAt = '2026-01-01'", false)]     // a date alone is a plain string
    public void Time(string text, bool expected) => Assert.Equal(expected, M(text));

    [Theory]
    [InlineData("price < $max", true)]
    [InlineData("region = $region", true)]
    [InlineData("$region = region", true)]
    [InlineData("price < user.budget", false)]
    [InlineData("region = user.region", true)]
    [InlineData("region = user.nothing", false)]        // a missing user property: false
    [InlineData("region != user.nothing", false)]
    [InlineData("NOT region = user.nothing", true)]
    [InlineData("user.tier = 'gold'", true)]            // constant vs constant
    [InlineData("user.tier = 'silver' OR a = 1", true)]
    [InlineData("user.tier = 'silver' AND a = 1", false)]
    [InlineData("'sport' = user.interests", true)]
    [InlineData("$max > 10", true)]
    [InlineData("1 = 1", true)]
    [InlineData("'a' < 'b'", true)]
    public void Parameters_and_user(string text, bool expected) => Assert.Equal(expected, M(text));

    [Theory]
    [InlineData("a = 1 and b = 2")]
    [InlineData("a = 1 AnD b = 2")]
    [InlineData("a = 3 oR b = 2")]
    [InlineData("not a = 3")]
    [InlineData("region in ('EU')")]
    [InlineData("region not in ('US')")]
    [InlineData("categories has any ('sport')")]
    [InlineData("categories Has All ('sport')")]
    [InlineData("region exists")]
    [InlineData("onSale = TRUE")]
    [InlineData("createdAt < NOW")]
    [InlineData("USER.tier = 'gold'")]
    public void Keywords_are_case_insensitive(string text) => Assert.True(M(text));

    [Fact]
    public void Reports_parameters_user_properties_and_now()
    {
        var filter = Filter.Parse("region IN $regions AND price < $max AND (user.tier = 'gold' OR $max > 1) AND createdAt > now - 1d AND tags HAS ANY user.interests");
        Assert.Equal(["regions", "max"], filter.Parameters);
        Assert.Equal(["tier", "interests"], filter.UserProperties);
        Assert.True(filter.UsesNow);
        Assert.False(Filter.Parse("a = 1").UsesNow);
        Assert.Empty(Filter.Parse("a = 1").Parameters);
    }

    [Fact]
    public void Constant_filters_are_recognised()
    {
        var gold = FilterBinding.At(0) with { User = new Dictionary<string, PropertyValue> { ["tier"] = PropertyValue.Of("gold") } };
        Assert.True(Filter.Parse("user.tier = 'gold' OR price < 10").IsConstant(gold));
        Assert.False(Filter.Parse("user.tier = 'silver' OR price < 10").IsConstant(gold));
        Assert.True(Filter.Parse("user.tier = 'silver' AND price < 10").IsConstant(gold));
        Assert.False(Filter.Parse("price < 10").IsConstant(gold));
    }

    [Fact]
    public void Evaluate_leaves_bits_past_count_zero()
    {
        var columns = new PropertyColumns();
        for (var slot = 0; slot < 130; slot++) columns.Set(slot, new Dictionary<string, PropertyValue> { ["x"] = PropertyValue.Of(slot) });
        var filter = Filter.Parse("NOT x = 5");
        var bits = filter.Evaluate(columns, 70, FilterBinding.At(0));
        Assert.Equal(2, bits.Length);
        Assert.Equal(~(1UL << 5), bits[0]);
        Assert.Equal((1UL << 6) - 1, bits[1]);
        Assert.Empty(filter.Evaluate(columns, 0, FilterBinding.At(0)));
    }

    [Fact]
    public void Columns_track_names_slots_and_versions()
    {
        var columns = new PropertyColumns();
        Assert.Equal(0, columns.Slots);
        columns.Set(4, new Dictionary<string, PropertyValue> { ["x"] = PropertyValue.Of(1), ["tags"] = PropertyValue.Of(["a"]) });
        columns.Clear(4);
        Assert.Equal(5, columns.Slots);
        Assert.Equal(2, columns.Version);
        Assert.Equal(["tags", "x"], columns.Names.Order());
        Assert.True(Bits_of(columns, "NOT x EXISTS").SequenceEqual(new ulong[] { 0b11111 }));
    }

    private static ulong[] Bits_of(PropertyColumns columns, string text) => Filter.Parse(text).Evaluate(columns, columns.Slots, FilterBinding.At(0));
}
