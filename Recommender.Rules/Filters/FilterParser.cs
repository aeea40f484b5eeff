namespace Recommender.Rules;

/// <summary>
/// Recursive descent over the grammar in docs/FILTERS.md. Recursion happens only through NOT and
/// '(' (AND and OR chains are loops), and both count against <see cref="Filter.MaxDepth"/>, so the
/// stack stays shallow whatever the input; every token is looked at a bounded number of times.
/// </summary>
internal sealed class FilterParser
{
    private readonly string _text;
    private readonly List<Token> _tokens;
    private int _at;
    private int _depth;
    private int _predicates;

    public List<ParamOperand> Parameters { get; } = [];
    public List<string> UserProperties { get; } = [];
    public bool UsesNow { get; private set; }

    private FilterParser(string text)
    {
        _text = text;
        _tokens = FilterLexer.Tokenize(text);
    }

    public static (FilterNode Root, FilterParser Parser) Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > Filter.MaxLength) throw new FilterException(Filter.MaxLength, $"the filter is longer than {Filter.MaxLength} characters");
        var parser = new FilterParser(text);
        if (parser.Peek.Kind == TokenKind.End) throw new FilterException(0, "the filter is empty");
        var root = parser.ParseOr();
        var rest = parser.Peek;
        if (rest.Kind == TokenKind.RParen) throw new FilterException(rest.Position, "')' without a matching '('");
        if (rest.Kind != TokenKind.End) throw new FilterException(rest.Position, $"expected AND or OR before {parser.Describe(rest)}");
        return (root, parser);
    }

    private Token Peek => _tokens[_at];

    /// <summary>Takes the token; the End token stays (so a parse error past the end still reads it).</summary>
    private Token Next()
    {
        var token = _tokens[_at];
        if (token.Kind != TokenKind.End) _at++;
        return token;
    }

    private static bool Is(Token token, string keyword) => token.Kind == TokenKind.Name && token.Value.Equals(keyword, StringComparison.OrdinalIgnoreCase);

    private static readonly string[] Keywords = ["AND", "OR", "NOT", "IN", "HAS", "ANY", "ALL", "EXISTS", "TRUE", "FALSE", "NOW"];

    private static bool IsKeyword(Token token) => token.Kind == TokenKind.Name && Keywords.Any(k => Is(token, k));

    private string Describe(Token token) => token.Kind switch
    {
        TokenKind.End => "the end",
        _ when token.Length > 24 => $"'{_text.Substring(token.Position, 24)}…'",
        _ => $"'{_text.Substring(token.Position, token.Length)}'",
    };

    private FilterNode ParseOr()
    {
        var parts = new List<FilterNode> { ParseAnd() };
        while (Is(Peek, "OR"))
        {
            Next();
            parts.Add(ParseAnd());
        }
        return parts.Count == 1 ? parts[0] : new OrNode([.. parts]);
    }

    private FilterNode ParseAnd()
    {
        var parts = new List<FilterNode> { ParseUnary() };
        while (Is(Peek, "AND"))
        {
            Next();
            parts.Add(ParseUnary());
        }
        return parts.Count == 1 ? parts[0] : new AndNode([.. parts]);
    }

    private FilterNode ParseUnary()
    {
        var token = Peek;
        if (Is(token, "NOT"))
        {
            Enter(token);
            Next();
            var inner = ParseUnary();
            _depth--;
            return new NotNode(inner);
        }
        if (token.Kind == TokenKind.LParen)
        {
            Enter(token);
            Next();
            var inner = ParseOr();
            if (Peek.Kind != TokenKind.RParen)
                throw new FilterException(Peek.Position, $"expected ')' to close the '(' at {token.Position}, found {Describe(Peek)}");
            Next();
            _depth--;
            return inner;
        }
        return ParsePredicate();
    }

    private void Enter(Token token)
    {
        if (++_depth > Filter.MaxDepth) throw new FilterException(token.Position, $"nested deeper than {Filter.MaxDepth} levels");
    }

    private FilterNode ParsePredicate()
    {
        var start = Peek;
        if (++_predicates > Filter.MaxPredicates) throw new FilterException(start.Position, $"more than {Filter.MaxPredicates} conditions");
        var left = ParseOperand("a condition");
        var token = Peek;
        if (token.Kind == TokenKind.Operator)
        {
            Next();
            var op = token.Value switch
            {
                "=" => CompareOp.Eq,
                "!=" => CompareOp.Ne,
                "<" => CompareOp.Lt,
                "<=" => CompareOp.Le,
                ">" => CompareOp.Gt,
                _ => CompareOp.Ge,
            };
            var right = ParseOperand($"a value after '{token.Value}'");
            return (left, right) switch
            {
                (PropertyOperand, PropertyOperand) => throw new FilterException(right.Position, "compare a property with a value"),
                (PropertyOperand p, _) => new ItemCompare(p.Name, op, right),
                (_, PropertyOperand p) => new ItemCompare(p.Name, FilterSemantics.Flip(op), left),
                _ => new ConstantCompare(left, op, right),
            };
        }
        if (Is(token, "NOT"))
        {
            Next();
            if (!Is(Peek, "IN")) throw new FilterException(Peek.Position, $"expected IN after NOT, found {Describe(Peek)}");
            Next();
            return List(left, ListOp.NotIn, ParseList("NOT IN"));
        }
        if (Is(token, "IN"))
        {
            Next();
            return List(left, ListOp.In, ParseList("IN"));
        }
        if (Is(token, "HAS"))
        {
            Next();
            var which = Peek;
            if (!Is(which, "ANY") && !Is(which, "ALL")) throw new FilterException(which.Position, $"expected ANY or ALL after HAS, found {Describe(which)}");
            Next();
            var any = Is(which, "ANY");
            return List(left, any ? ListOp.HasAny : ListOp.HasAll, ParseList(any ? "HAS ANY" : "HAS ALL"));
        }
        if (Is(token, "EXISTS"))
        {
            Next();
            return left is PropertyOperand p ? new ItemExists(p.Name) : new ConstantExists(left);
        }
        // A bare operand is a boolean test: onSale means onSale = true. Not followed by what ends a
        // condition ("price 10"), the operator is what is missing, not an AND.
        var ends = token.Kind is TokenKind.End or TokenKind.RParen || Is(token, "AND") || Is(token, "OR");
        if (!ends || left is LiteralOperand { Value.Kind: not PropertyKind.Boolean } or NowOperand)
            throw new FilterException(token.Position, $"expected an operator (=, !=, <, <=, >, >=, IN, HAS, EXISTS) after {Describe(start)}, found {Describe(token)}");
        var yes = new LiteralOperand(PropertyValue.Of(true), start.Position);
        return left is PropertyOperand property ? new ItemCompare(property.Name, CompareOp.Eq, yes) : new ConstantCompare(left, CompareOp.Eq, yes);
    }

    private static FilterNode List(Operand left, ListOp op, ListSource source) =>
        left is PropertyOperand p ? new ItemList(p.Name, op, source) : new ConstantList(left, op, source);

    private Operand ParseOperand(string what)
    {
        var token = Peek;
        switch (token.Kind)
        {
            case TokenKind.Name when Is(token, "TRUE") || Is(token, "FALSE"):
                Next();
                return new LiteralOperand(PropertyValue.Of(Is(token, "TRUE")), token.Position);
            case TokenKind.Name when Is(token, "NOW"):
                Next();
                UsesNow = true;
                return new NowOperand(ParseNowOffset(), token.Position);
            case TokenKind.Name when IsKeyword(token):
                throw new FilterException(token.Position, $"expected {what}, found {Describe(token)}");
            case TokenKind.Name:
                Next();
                return new PropertyOperand(token.Value, token.Position);
            case TokenKind.User:
                Next();
                if (!UserProperties.Contains(token.Value)) UserProperties.Add(token.Value);
                return new UserOperand(token.Value, token.Position);
            case TokenKind.Param:
                Next();
                var parameter = new ParamOperand(token.Value, token.Position);
                Parameters.Add(parameter);
                return parameter;
            case TokenKind.Duration:
                throw new FilterException(token.Position, "a duration goes after now + or now - (e.g. now - 30d)");
            case TokenKind.String or TokenKind.Number or TokenKind.Minus:
                return ParseLiteral(what);
            default:
                throw new FilterException(token.Position, $"expected {what}, found {Describe(token)}");
        }
    }

    /// <summary>now, now + 1h, now - 30d: the offset in milliseconds.</summary>
    private long ParseNowOffset()
    {
        var sign = Peek;
        if (sign.Kind is not (TokenKind.Plus or TokenKind.Minus)) return 0;
        Next();
        var duration = Peek;
        if (duration.Kind != TokenKind.Duration)
            throw new FilterException(duration.Position, $"expected a duration (e.g. 30d, 12h) after 'now {sign.Value}', found {Describe(duration)}");
        Next();
        return (long)(sign.Kind == TokenKind.Minus ? -duration.Number : duration.Number);
    }

    /// <summary>A string (an RFC 3339 date-time one is a timestamp), a number, -number, true or false.</summary>
    private LiteralOperand ParseLiteral(string what)
    {
        var token = Next();
        switch (token.Kind)
        {
            case TokenKind.String:
                return new LiteralOperand(
                    PropertyBag.TryTimestamp(token.Value, out var ms) ? PropertyValue.Timestamp(ms) : PropertyValue.Of(token.Value), token.Position);
            case TokenKind.Number:
                return new LiteralOperand(PropertyValue.Of(token.Number), token.Position);
            case TokenKind.Minus when Peek.Kind == TokenKind.Number:
                return new LiteralOperand(PropertyValue.Of(-Next().Number), token.Position);
            case TokenKind.Minus:
                throw new FilterException(token.Position, $"expected a number after '-', found {Describe(Peek)}");
            case TokenKind.Name when Is(token, "TRUE") || Is(token, "FALSE"):
                return new LiteralOperand(PropertyValue.Of(Is(token, "TRUE")), token.Position);
            default:
                throw new FilterException(token.Position, $"expected {what}, found {Describe(token)}");
        }
    }

    /// <summary>'(' value, ... ')' or a $parameter or user.name holding a list.</summary>
    private ListSource ParseList(string word)
    {
        var token = Peek;
        if (token.Kind is TokenKind.Param or TokenKind.User) return new ListSource(null, ParseOperand("a list"));
        if (token.Kind != TokenKind.LParen) throw new FilterException(token.Position, $"expected '(' or a $parameter after {word}, found {Describe(token)}");
        Next();
        var values = new List<PropertyValue>();
        while (true)
        {
            if (values.Count == Filter.MaxListValues) throw new FilterException(Peek.Position, $"a list holds at most {Filter.MaxListValues} values");
            values.Add(ParseLiteral($"a value in the {word} list").Value);
            var after = Peek;
            if (after.Kind == TokenKind.Comma)
            {
                Next();
                continue;
            }
            if (after.Kind == TokenKind.RParen)
            {
                Next();
                return new ListSource([.. values], null);
            }
            if (after.Kind == TokenKind.End) throw new FilterException(after.Position, $"expected ')' after the {word} list");
            throw new FilterException(after.Position, $"expected ',' or ')' in the {word} list, found {Describe(after)}");
        }
    }
}
