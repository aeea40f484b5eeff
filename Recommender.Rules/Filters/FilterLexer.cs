using System.Globalization;
using System.Text;

namespace Recommender.Rules;

internal enum TokenKind { End, Name, User, Param, String, Number, Duration, Operator, LParen, RParen, Comma, Plus, Minus }

/// <summary>
/// One token: <see cref="Value"/> is the name (without <c>user.</c> or <c>$</c>), the unescaped string
/// or the operator; <see cref="Number"/> the number, or the milliseconds of a duration.
/// </summary>
internal readonly record struct Token(TokenKind Kind, int Position, int Length, string Value, double Number = 0);

/// <summary>
/// Splits a filter into tokens in one left-to-right pass (no backtracking, no regex), so any input
/// costs time linear in its length. Keywords are names here; the parser recognises them.
/// '+' and '-' are tokens of their own, so <c>now-30d</c> needs no spaces and a negative number is
/// the parser's '-' followed by a number.
/// </summary>
internal static class FilterLexer
{
    private static readonly string[] Operators = ["=", "!=", "<", "<=", ">", ">="];

    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (true)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            if (i >= text.Length)
            {
                tokens.Add(new(TokenKind.End, text.Length, 0, ""));
                return tokens;
            }
            var start = i;
            var c = text[i];
            if (IsNameStart(c))
            {
                i = ScanName(text, i);
                if (i < text.Length && text[i] == '.' && text.AsSpan(start, i - start).Equals("user", StringComparison.OrdinalIgnoreCase))
                {
                    var nameStart = ++i;
                    if (i >= text.Length || !IsNameStart(text[i])) throw new FilterException(i, "expected a property name after 'user.'");
                    i = ScanName(text, i);
                    tokens.Add(new(TokenKind.User, start, i - start, Name(text, nameStart, i)));
                }
                else tokens.Add(new(TokenKind.Name, start, i - start, Name(text, start, i)));
            }
            else if (c == '$')
            {
                if (++i >= text.Length || !IsNameStart(text[i])) throw new FilterException(start, "expected a parameter name after '$'");
                i = ScanName(text, i);
                tokens.Add(new(TokenKind.Param, start, i - start, Name(text, start + 1, i)));
            }
            else if (c is '\'' or '"') tokens.Add(ScanString(text, ref i));
            else if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]))) tokens.Add(ScanNumber(text, ref i));
            else if (c is '=' or '!' or '<' or '>' or '&' or '|')
            {
                while (i < text.Length && text[i] is '=' or '!' or '<' or '>' or '&' or '|') i++;
                var op = text[start..i];
                if (!Operators.Contains(op))
                    throw new FilterException(start, op is "&&" or "||" or "&" or "|" ? $"unknown operator '{op}' (use AND, OR)" : $"unknown operator '{op}'");
                tokens.Add(new(TokenKind.Operator, start, op.Length, op));
            }
            else
            {
                var kind = c switch
                {
                    '(' => TokenKind.LParen,
                    ')' => TokenKind.RParen,
                    ',' => TokenKind.Comma,
                    '+' => TokenKind.Plus,
                    '-' => TokenKind.Minus,
                    _ => throw new FilterException(start, $"unexpected character {Show(c)}"),
                };
                tokens.Add(new(kind, start, 1, c.ToString()));
                i++;
            }
        }
    }

    private static bool IsNameStart(char c) => char.IsAsciiLetter(c) || c == '_';

    private static int ScanName(string text, int i)
    {
        while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_')) i++;
        return i;
    }

    private static string Name(string text, int start, int end) =>
        end - start <= PropertyBag.MaxNameLength
            ? text[start..end]
            : throw new FilterException(start, $"a name is at most {PropertyBag.MaxNameLength} characters");

    private static Token ScanString(string text, ref int i)
    {
        var start = i;
        var quote = text[i++];
        var value = new StringBuilder();
        while (true)
        {
            if (i >= text.Length) throw new FilterException(start, "unterminated string");
            var c = text[i++];
            if (c == quote) return new(TokenKind.String, start, i - start, value.ToString());
            if (c == '\\')
            {
                if (i >= text.Length) throw new FilterException(start, "unterminated string");
                var escaped = text[i];
                if (escaped is not ('\'' or '"' or '\\')) throw new FilterException(i - 1, $"unknown escape '\\{escaped}' (use \\', \\\" or \\\\)");
                value.Append(escaped);
                i++;
            }
            else value.Append(c);
        }
    }

    /// <summary>12, -12.5 (with the parser's '-'), 1e3, .5; a unit right after it makes a duration (30d, 1.5h).</summary>
    private static Token ScanNumber(string text, ref int i)
    {
        var start = i;
        while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
        if (i + 1 < text.Length && text[i] == '.' && char.IsAsciiDigit(text[i + 1]))
            for (i++; i < text.Length && char.IsAsciiDigit(text[i]); i++) { }
        if (i < text.Length && text[i] is 'e' or 'E')
        {
            var j = i + 1;
            if (j < text.Length && text[j] is '+' or '-') j++;
            if (j < text.Length && char.IsAsciiDigit(text[j]))
                for (i = j; i < text.Length && char.IsAsciiDigit(text[i]); i++) { }
        }
        var number = double.Parse(text.AsSpan(start, i - start), NumberStyles.Float, CultureInfo.InvariantCulture);
        if (!double.IsFinite(number)) throw new FilterException(start, $"number out of range '{text[start..i]}'");
        if (i >= text.Length || !(char.IsAsciiLetter(text[i]) || text[i] == '_'))
            return new(TokenKind.Number, start, i - start, text[start..i], number);

        var unitStart = i;
        i = ScanName(text, i);
        double? unit = text[unitStart..i] switch
        {
            "ms" => 1,
            "s" => 1_000,
            "m" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            "w" => 604_800_000,
            _ => null,
        };
        var shown = i - start <= 24 ? text[start..i] : text[start..(start + 24)] + "…";
        if (unit is null) throw new FilterException(start, $"bad duration '{shown}' (units: ms, s, m, h, d, w)");
        // 10^15 ms is about 31,700 years: far beyond any use, and safely inside a long and a double's exact integers.
        var ms = number * unit.Value;
        if (ms > 1e15) throw new FilterException(start, $"duration out of range '{shown}'");
        return new(TokenKind.Duration, start, i - start, text[start..i], Math.Round(ms));
    }

    private static string Show(char c) =>
        char.IsControl(c) || char.IsSurrogate(c) || char.IsWhiteSpace(c) ? $"U+{(int)c:X4}" : $"'{c}'";
}
