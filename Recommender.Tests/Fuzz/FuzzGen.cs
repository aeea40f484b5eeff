using System.Globalization;
using System.Text;
using CsCheck;

namespace Recommender.Tests.Fuzz;

/// <summary>One request of the fuzz run.</summary>
public sealed record FuzzCase(string Endpoint, string Method, string Target, byte[]? Body, string? ContentType = "application/json")
{
    public override string ToString()
    {
        var body = Body is null ? "" : Encoding.UTF8.GetString(Body, 0, Math.Min(Body.Length, 300)) + (Body.Length > 300 ? $"… ({Body.Length} bytes)" : "");
        var target = Target.Length > 300 ? Target[..300] + $"… ({Target.Length} chars)" : Target;
        return $"{Method} {target} [{ContentType}] {body}";
    }
}

/// <summary>
/// Generators of hostile input: ids (empty, 10 KB, control characters, any UTF-16 including lone
/// surrogates, path separators, percent-encodings), numbers (NaN, ±∞, huge, negative, strings),
/// timestamps (far past and future, garbage), malformed JSON and bodies of the wrong shape.
/// Values meant for JSON are JSON tokens (text to paste into a document).
/// </summary>
public static class FuzzGen
{
    private const string IdChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.:@";

    public static readonly Gen<string> ValidId = Gen.String[Gen.Char[IdChars], 1, 24];

    /// <summary>Ids a well-behaved client would send (a small pool, so the catalog stays small).</summary>
    public static readonly Gen<string> PoolUser = Gen.Int[0, 40].Select(i => $"fz-u-{i}");
    public static readonly Gen<string> PoolItem = Gen.Int[0, 60].Select(i => $"fz-item-{i}");

    public static readonly Gen<string> NastyId = Gen.Frequency(
        (1, Gen.Const("")),
        (1, Gen.Const(new string('a', 129))),
        (1, Gen.Const(new string('x', 10_240))),
        (2, Gen.String[Gen.Char['\0', '\u001f'], 1, 8]),
        (2, Gen.String[Gen.Char, 1, 16]),
        (1, Gen.String[Gen.Char['\ud800', '\udfff'], 1, 4]),
        (1, ValidId.Select(Gen.OneOf(" ", "/", "\\", "|", "\"", "'", "\u00e9", "\u0000", "\u2028", "%", "?", "#", "\t"), (v, c) => v + c)),
        (4, Gen.OneOf("a/b", "../x", "..", ".", "/", "a\\b", "%2F", "a%2Fb", "%00", "%", "%zz", "%C3%A9", "%252F", "\u00e9", "\u7528\u6237", "\ud83d\ude42",
            "a b", "a|b", "a\"b", "<script>alert(1)</script>", "' OR 1=1 --", "a?b=c", "a#b", "null", "{userId}", "..%2F..%2Fetc%2Fpasswd", "\u202e", "CON", " ", "\r\n",
            // dot segments: Kestrel removes them before routing, so the id rule refuses ids of dots alone
            "...", "....", "%2E%2E", "%2e", ".%2E", "export", "recommendations")));

    public static readonly Gen<string> AnyId = Gen.Frequency((5, ValidId), (5, NastyId), (3, PoolUser));

    /// <summary>A JSON string token for any .NET string, lone surrogates written as \uXXXX escapes.</summary>
    public static string Json(string value)
    {
        var b = new StringBuilder(value.Length + 2).Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is '"' or '\\') b.Append('\\').Append(c);
            else if (c < 0x20 || (char.IsSurrogate(c) && !(char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                                  && !(char.IsLowSurrogate(c) && i > 0 && char.IsHighSurrogate(value[i - 1]))))
                b.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            else b.Append(c);
        }
        return b.Append('"').ToString();
    }

    public static readonly Gen<string> IdToken = Gen.Frequency(
        (8, AnyId.Select(Json)),
        (1, Gen.OneOf("null", "1", "true", "[]", "{}", "-0", "\"\\u0000\"", "\"\\ud800\"", "\"\\udc00x\"", "\"\\u00e9\"")));

    public static readonly Gen<string> NumberToken = Gen.Frequency(
        (4, Gen.OneOf("1", "2", "3", "4", "5")),
        (6, Gen.OneOf("0", "-1", "6", "4.5", "1e308", "1e400", "-1e400", "NaN", "Infinity", "\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "\"4\"", "\"abc\"",
            "null", "true", "[]", "{}", "123456789012345678901234567890", "0.0000000001", "-0", "1E+2", "\"\"", "\" 3 \"", "\"0x10\"", "5.0000000001", "1e-400", "01", "+1", ".5")),
        (2, Gen.Double.Select(d => double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : "\"" + d.ToString(CultureInfo.InvariantCulture) + "\"")),
        (1, Gen.Long.Select(l => l.ToString(CultureInfo.InvariantCulture))));

    public static readonly Gen<string> TimestampToken = Gen.Frequency(
        (3, Gen.Int[-3_000, 0].Select(d => Json(DateTimeOffset.UtcNow.AddDays(d).ToString("O", CultureInfo.InvariantCulture)))),
        (6, Gen.OneOf("\"9999-12-31T23:59:59Z\"", "\"0001-01-01T00:00:00Z\"", "\"0001-01-01T00:00:00+14:00\"", "\"9999-12-31T23:59:59-14:00\"",
            "\"1969-12-31T23:59:59Z\"", "\"1970-01-01T00:00:00Z\"", "\"garbage\"", "\"\"", "0", "1700000000000", "\"2024-13-45\"", "\"2024-02-30T25:61:61Z\"",
            "null", "\"now\"", "\"+275760-09-13T00:00:00Z\"", "\"2024-01-01\"", "\"01/02/2024\"", "\"2024-01-01T00:00:00.0000000001Z\"", "\"2100-01-01T00:00:00Z\"",
            "\"1800-01-01T00:00:00Z\"", "\"2024-06-01T12:00:00+25:00\"", "[]", "{\"$date\":1}", "\"\\u0000\"",
            // lax forms DateTimeOffset.TryParse took, and a local year in range whose UTC instant is not
            "\"1/2/2020\"", "\"2020-01-02 03:04:05\"", "\"January 2, 2020\"", "\"1800-01-01T00:00+14:00\"", "\"9000-12-31T23:59-01:00\"", "\"2024-05-01t12:00:00z\"", "\"1577934245\"")),
        (1, Gen.Int[2, 400_000].Select(d => Json(DateTimeOffset.UtcNow.AddDays(Math.Min(d, 2_900_000)).ToString("O", CultureInfo.InvariantCulture)))));

    public static readonly Gen<string> TypeToken = Gen.Frequency(
        (8, Gen.OneOf("\"view\"", "\"click\"", "\"like\"", "\"dislike\"", "\"share\"", "\"purchase\"", "\"rating\"")),
        (3, Gen.OneOf("\"VIEW\"", "\"\"", "\"rate\"", "1", "null", "[]", "\"rating \"", "\"view\\u0000\"", "\"Rating\"", "\"0\"", "\"\\ud800\"")));

    /// <summary>A JSON object whose fields are each present or not, possibly duplicated, possibly with an extra field.</summary>
    public static Gen<string> Object(params (string Name, Gen<string> Value, int PresentPercent)[] fields) =>
        Gen.Select(Gen.Int[0, 99].Array[fields.Length], fields.Select(f => f.Value).ToArray().Aggregate(
                Gen.Const(Array.Empty<string>()), (acc, g) => Gen.Select(acc, g, (a, v) => (string[])[.. a, v])),
            Gen.Int[0, 19], Gen.OneOf("\"extra\":1", "\"userId\":\"dup\"", "\"__proto__\":{}", "\"value\":\"x\"", "\"type\":\"view\""),
            (dice, values, shape, extra) =>
            {
                var parts = new List<string>();
                for (var i = 0; i < fields.Length; i++)
                    if (dice[i] < fields[i].PresentPercent) parts.Add(Json(fields[i].Name) + ":" + values[i]);
                if (shape == 0) parts.Add(extra);
                if (shape == 1 && parts.Count > 0) parts.Add(parts[0]);
                return "{" + string.Join(",", parts) + "}";
            });

    public static Gen<string> Event(string user = "userId", string item = "itemId", string type = "type") => Object(
        (user, IdToken, 92), (item, IdToken, 92), (type, TypeToken, 92), ("value", NumberToken, 60),
        ("timestamp", TimestampToken, 35), ("eventId", IdToken, 30));

    /// <summary>An event that is valid (pool ids, a known type, a rating with its value).</summary>
    public static readonly Gen<string> ValidEvent = Gen.Select(PoolUser, PoolItem, Gen.Int[0, 6], Gen.Int[1, 5],
        (u, i, t, v) => t == 6
            ? $$"""{"userId":"{{u}}","itemId":"{{i}}","type":"rating","value":{{v}}}"""
            : $$"""{"userId":"{{u}}","itemId":"{{i}}","type":"{{new[] { "view", "click", "like", "dislike", "share", "purchase" }[t]}}"}""");

    public static readonly Gen<byte[]> Malformed = Gen.Frequency(
        (6, Gen.OneOf("", " ", "{", "}", "[", "]", "{\"userId\":", "nul", "{'userId':'a'}", "{\"userId\":\"a\",}", "[1,2,", "\uFEFF{}", "{\"a\":1}{\"b\":2}",
            "{\"userId\":\"a\\ud800\"}", "{\"userId\":\"a\\x\"}", "{\"userId\" \"a\"}", "/* comment */ {}", "{\"userId\":\"a\"} trailing", "\"\\u", "{\"a\":1e}",
            "1", "\"string\"", "null", "true", "[]", "[null]", "[[]]", "{}", "[1]", "[\"a\"]", "[{}]", "[{},1]")
            .Select(s => Encoding.UTF8.GetBytes(s))),
        (1, Gen.Int[17, 5_000].Select(depth => Encoding.UTF8.GetBytes(new string('[', depth) + new string(']', depth)))),
        (1, Gen.Int[17, 2_000].Select(depth => Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth)))),
        (2, Gen.Byte.Array[1, 256]),
        (1, Gen.OneOf<byte[]>([0xC3, 0x28], [0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D], [0xEF, 0xBB, 0xBF], [0x00], [0xFF, 0xFE, 0x7B, 0x00, 0x7D, 0x00])));

    public static readonly Gen<string?> ContentType = Gen.Frequency(
        (12, Gen.Const<string?>("application/json")),
        (1, Gen.OneOf<string?>(null, "text/plain", "application/json; charset=utf-16", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "application/xml", "*/*", "application/json; charset=\u00e9")));

    /// <summary>A query-string value (already decoded: the caller escapes it).</summary>
    public static readonly Gen<string> IntQuery = Gen.Frequency(
        (3, Gen.Int[-5, 1_200].Select(i => i.ToString(CultureInfo.InvariantCulture))),
        (3, Gen.OneOf("", "0", "1", "10", "100", "101", "1000", "1001", "-1", "-2147483648", "2147483647", "2147483648", "99999999999999999999", "1e3", "1.5",
            "abc", "NaN", "\u0000", " 5", "0x10", "\u0663", "5 ", "+5", "--1", "%", "1,2")),
        (1, NastyId));

    public static readonly Gen<string> TextQuery = Gen.Frequency((3, ValidId), (3, NastyId), (1, Gen.OneOf("Drama", "Action", "", " ", "drama", new string('c', 129))));

    public static readonly Gen<string> TitleToken = Gen.Frequency(
        (4, Gen.String[Gen.Char.AlphaNumeric, 1, 40].Select(Json)),
        (3, Gen.OneOf("\"\"", "\" \"", Json(new string('t', 513)), Json(new string('t', 512)), "\"a\\u0000b\"", "\"line\\nbreak\"", "null", "1", "[]", "{}", "\"\\ud800\"", "\"\\u202e\"")),
        (1, Gen.String[Gen.Char, 0, 30].Select(Json)));

    public static readonly Gen<string> CategoriesToken = Gen.Frequency(
        (3, Gen.OneOf("Drama", "Action", "Comedy", "Sci-Fi").Array[0, 4].Select(a => "[" + string.Join(",", a.Select(Json)) + "]")),
        (2, TextQuery.Array[0, 25].Select(a => "[" + string.Join(",", a.Select(Json)) + "]")),
        (2, Gen.OneOf("null", "\"Drama\"", "1", "{}", "[1]", "[null]", "[\"\"]", "[[\"a\"]]", Json(new string('c', 65)), "[" + Json(new string('c', 65)) + "]")));

    public static Gen<string> Item(bool withId) => withId
        ? Object(("itemId", Gen.Frequency((3, IdToken), (2, PoolItem.Select(Json))), 92), ("title", TitleToken, 90), ("categories", CategoriesToken, 70), ("createdAt", TimestampToken, 30))
        : Object(("title", TitleToken, 90), ("categories", CategoriesToken, 70), ("createdAt", TimestampToken, 30));

    public static Gen<byte[]> Body(Gen<string> json, int weight = 6) =>
        Gen.Frequency((weight, json.Select(s => Encoding.UTF8.GetBytes(s))), (2, Malformed));

    /// <summary>A path segment: usually escaped as a client library would, sometimes pasted raw.</summary>
    public static Gen<string> Segment(Gen<string> id) =>
        Gen.Select(id, Gen.Int[0, 3], (v, how) => how == 0 ? v : Escape(v));

    public static string Escape(string value)
    {
        try { return Uri.EscapeDataString(value); }
        catch (UriFormatException) { return value; }
    }

    /// <summary>"?a=1&amp;b=2" from optional (name, value) pairs; null values are left out.</summary>
    public static string Query(params (string Name, string? Value)[] pairs)
    {
        var present = pairs.Where(p => p.Value is not null).Select(p => $"{p.Name}={Escape(p.Value!)}").ToArray();
        return present.Length == 0 ? "" : "?" + string.Join("&", present);
    }

    public static Gen<string?> Maybe(Gen<string> gen, int percent = 70) =>
        Gen.Select(Gen.Int[0, 99], gen, (dice, v) => dice < percent ? v : null);

    private static readonly string[] Filters =
    [
        "price < 50", "region = 'EU' AND price <= 20.5", "NOT onSale", "tags HAS ANY ('a', 'b')", "tags HAS ALL $t",
        "brand IN ('x', \"y\") OR (price > 3 AND NOT region != 'US')", "createdAt > now - 30d", "region = user.region",
        "categories = 'Drama'", "itemId NOT IN ('fz-item-1')", "price EXISTS", "price < $max",
    ];

    /// <summary>Filter expressions: valid ones, valid ones with a character inserted, deleted or replaced, random text, deep nesting, long text.</summary>
    public static readonly Gen<string> FilterToken = Gen.Frequency(
        (3, Gen.OneOf(Filters)),
        (4, Gen.Select(Gen.OneOf(Filters), Gen.Int[0, 60], Gen.Char["()'\"$.=<>!, \\aINOTDRHSYxz019-"], Gen.Int[0, 2], (f, at, c, op) =>
        {
            at = Math.Min(at, f.Length);
            return op switch { 0 => f.Insert(at, c.ToString()), 1 => at < f.Length ? f.Remove(at, 1) : f, _ => at < f.Length ? f.Remove(at, 1).Insert(at, c.ToString()) : f + c };
        })),
        (2, Gen.String[Gen.Char["()'\"$.=<>!, aINOTDRHSYxz0129-"], 0, 60]),
        (1, Gen.Int[30, 3_000].Select(n => new string('(', n) + "price < 1" + new string(')', n))),
        (1, Gen.Int[1, 2_000].Select(n => string.Concat(Enumerable.Repeat("NOT ", n)) + "x")),
        (1, Gen.Int[4_000, 4_200].Select(n => "x = '" + new string('a', n) + "'")));
}
