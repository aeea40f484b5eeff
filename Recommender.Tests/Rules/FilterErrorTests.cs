using Recommender.Rules;

namespace Recommender.Tests.Rules;

/// <summary>Typical mistakes: where the error points (0-based offset) and what it says.</summary>
public class FilterErrorTests
{
    [Theory]
    [InlineData("", 0, "the filter is empty")]
    [InlineData("   ", 0, "the filter is empty")]
    [InlineData("(a = 1", 6, "expected ')' to close the '(' at 0, found the end")]
    [InlineData("(a = 1 b = 2)", 7, "expected ')' to close the '(' at 0, found 'b'")]
    [InlineData("a = 1)", 5, "')' without a matching '('")]
    [InlineData("a == 1", 2, "unknown operator '=='")]
    [InlineData("a <> 1", 2, "unknown operator '<>'")]
    [InlineData("a = 1 && b = 2", 6, "unknown operator '&&' (use AND, OR)")]
    [InlineData("region = 'EU", 9, "unterminated string")]
    [InlineData("region = 'EU\\'", 9, "unterminated string")]
    [InlineData("title = 'a\\nb'", 10, "unknown escape '\\n' (use \\', \\\" or \\\\)")]
    [InlineData("a = 1 b = 2", 6, "expected AND or OR before 'b'")]
    [InlineData("a = 1 AND", 9, "expected a condition, found the end")]
    [InlineData("a = ", 4, "expected a value after '=', found the end")]
    [InlineData("AND a = 1", 0, "expected a condition, found 'AND'")]
    [InlineData("price = cost", 8, "compare a property with a value")]
    [InlineData("createdAt > now - 30x", 18, "bad duration '30x' (units: ms, s, m, h, d, w)")]
    [InlineData("createdAt > now - 30", 18, "expected a duration (e.g. 30d, 12h) after 'now -', found '30'")]
    [InlineData("age < 30d", 6, "a duration goes after now + or now - (e.g. now - 30d)")]
    [InlineData("region IN 'EU'", 10, "expected '(' or a $parameter after IN, found ''EU''")]
    [InlineData("region IN ('EU' 'US')", 16, "expected ',' or ')' in the IN list, found ''US''")]
    [InlineData("region IN ('EU',", 16, "expected a value in the IN list, found the end")]
    [InlineData("region IN ('EU'", 15, "expected ')' after the IN list")]
    [InlineData("region IN ()", 11, "expected a value in the IN list, found ')'")]
    [InlineData("tags HAS SOME ('a')", 9, "expected ANY or ALL after HAS, found 'SOME'")]
    [InlineData("region NOT ('EU')", 11, "expected IN after NOT, found '('")]
    [InlineData("price 10", 6, "expected an operator (=, !=, <, <=, >, >=, IN, HAS, EXISTS) after 'price', found '10'")]
    [InlineData("'EU'", 4, "expected an operator (=, !=, <, <=, >, >=, IN, HAS, EXISTS) after ''EU'', found the end")]
    [InlineData("a = $", 4, "expected a parameter name after '$'")]
    [InlineData("user. = 1", 5, "expected a property name after 'user.'")]
    [InlineData("a = 1e999", 4, "number out of range '1e999'")]
    [InlineData("a = - b", 4, "expected a number after '-', found 'b'")]
    [InlineData("a ~ 1", 2, "unexpected character '~'")]
    public void Points_at_the_mistake(string text, int position, string reason)
    {
        var error = Assert.Throws<FilterException>(() => Filter.Parse(text));
        Assert.Equal(reason, error.Reason);
        Assert.Equal(position, error.Position);
        Assert.Equal($"at {position}: {reason}", error.Message);
    }

    [Fact]
    public void Too_deep()
    {
        var text = new string('(', 33) + "a = 1" + new string(')', 33);
        var error = Assert.Throws<FilterException>(() => Filter.Parse(text));
        Assert.Equal((32, "nested deeper than 32 levels"), (error.Position, error.Reason));
        Filter.Parse(new string('(', 32) + "a = 1" + new string(')', 32));
        var nots = string.Concat(Enumerable.Repeat("NOT ", 33)) + "a";
        Assert.Equal(128, Assert.Throws<FilterException>(() => Filter.Parse(nots)).Position);
    }

    [Fact]
    public void Too_long()
    {
        var text = "a = '" + new string('x', 4092) + "'";
        Assert.Equal(4098, text.Length);
        var error = Assert.Throws<FilterException>(() => Filter.Parse(text));
        Assert.Equal((4096, "the filter is longer than 4096 characters"), (error.Position, error.Reason));
        Filter.Parse(text[..4094] + "'");
    }

    [Fact]
    public void Too_many_in_values()
    {
        var ok = "a IN (" + string.Join(",", Enumerable.Range(0, 1000)) + ")";
        Filter.Parse(ok);
        var text = "a IN (" + string.Join(",", Enumerable.Range(0, 1001)) + ")";
        var error = Assert.Throws<FilterException>(() => Filter.Parse(text));
        Assert.Equal("a list holds at most 1000 values", error.Reason);
        Assert.Equal(text.LastIndexOf(',') + 1, error.Position);
    }

    [Fact]
    public void Too_many_conditions()
    {
        var text = string.Join(" OR ", Enumerable.Range(0, 257).Select(i => $"a={i}"));
        var error = Assert.Throws<FilterException>(() => Filter.Parse(text));
        Assert.Equal("more than 256 conditions", error.Reason);
        Assert.Equal(text.LastIndexOf("a=", StringComparison.Ordinal), error.Position);
        Filter.Parse(string.Join(" OR ", Enumerable.Range(0, 256).Select(i => $"a={i}")));
    }

    [Fact]
    public void Too_long_a_name()
    {
        var error = Assert.Throws<FilterException>(() => Filter.Parse("a = 1 AND " + new string('n', 65) + " = 1"));
        Assert.Equal((10, "a name is at most 64 characters"), (error.Position, error.Reason));
    }

    [Fact]
    public void Unbound_parameter_is_named_with_its_position()
    {
        var filter = Filter.Parse("price < $max AND region IN $region");
        var binding = FilterBinding.At(0) with { Parameters = new Dictionary<string, PropertyValue> { ["max"] = PropertyValue.Of(5) } };
        var error = Assert.Throws<FilterException>(() => filter.Evaluate(new PropertyColumns(), 10, binding));
        Assert.Equal((27, "parameter $region is not bound"), (error.Position, error.Reason));
        error = Assert.Throws<FilterException>(() => filter.Matches(new Dictionary<string, PropertyValue>(), FilterBinding.At(0)));
        Assert.Equal((8, "parameter $max is not bound"), (error.Position, error.Reason));
        // A missing user property is no error: the comparison is false.
        Assert.False(Filter.Parse("price < user.max").Matches(new Dictionary<string, PropertyValue> { ["price"] = PropertyValue.Of(1) }, FilterBinding.At(0)));
    }
}
