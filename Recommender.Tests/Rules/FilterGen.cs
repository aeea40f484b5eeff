using System.Globalization;
using CsCheck;
using Recommender.Rules;

namespace Recommender.Tests.Rules;

/// <summary>
/// Random items over a few names and random well-formed filters over the same names and values,
/// chosen to collide often: numbers and timestamps share small values, strings differ in case,
/// lists hold the same strings, and "missing" is a name no item has.
/// </summary>
public static class FilterGen
{
    public static readonly string[] Names = ["a", "b", "c", "d", "tags", "t"];
    private static readonly string[] Strings = ["x", "y", "z", "X", ""];

    public static readonly Gen<PropertyValue> Value = Gen.Frequency(
        (3, Gen.OneOf(Strings).Select(PropertyValue.Of)),
        (3, Gen.Int[-3, 3].Select(i => PropertyValue.Of((double)i))),
        (1, Gen.OneOf(0.5, -0.0, 1e300).Select(PropertyValue.Of)),
        (2, Gen.Bool.Select(PropertyValue.Of)),
        (2, Gen.Int[-3, 3].Select(i => PropertyValue.Timestamp(i))),
        (3, Gen.OneOf("x", "y", "z").Array[0, 3].Select(list => PropertyValue.Of(list))));

    public static readonly Gen<Dictionary<string, PropertyValue>> Item =
        Gen.Frequency((1, Gen.Const((PropertyValue?)null)), (2, Value.Select(v => (PropertyValue?)v))).Array[Names.Length].Select(values =>
        {
            var item = new Dictionary<string, PropertyValue>(StringComparer.Ordinal);
            for (var i = 0; i < Names.Length; i++)
                if (values[i] is { } value) item[Names[i]] = value;
            return item;
        });

    public static readonly Gen<string> Expression = Gen.Int.Select(seed => Build(new Random(seed), 0));

    public static readonly FilterBinding Binding = FilterBinding.At(0) with
    {
        Parameters = new Dictionary<string, PropertyValue>
        {
            ["s"] = PropertyValue.Of("x"),
            ["n"] = PropertyValue.Of(1),
            ["list"] = PropertyValue.Of(["x", "y"]),
            ["none"] = PropertyValue.Of([]),
            ["flag"] = PropertyValue.Of(true),
        },
        User = new Dictionary<string, PropertyValue>
        {
            ["s"] = PropertyValue.Of("y"),
            ["n"] = PropertyValue.Of(2),
            ["l"] = PropertyValue.Of(["z", "x"]),
        },
    };

    public static string Build(Random r, int depth)
    {
        if (depth >= 4 || r.Next(3) == 0) return Predicate(r);
        return r.Next(5) switch
        {
            0 => $"{Build(r, depth + 1)} AND {Build(r, depth + 1)}",
            1 => $"{Build(r, depth + 1)} OR {Build(r, depth + 1)}",
            2 => $"NOT {Build(r, depth + 1)}",
            3 => $"({Build(r, depth + 1)} or {Build(r, depth + 1)}) and {Build(r, depth + 1)}",
            _ => $"({Build(r, depth + 1)})",
        };
    }

    private static string Predicate(Random r)
    {
        var name = r.Next(8) == 0 ? "missing" : Names[r.Next(Names.Length)];
        string[] ops = ["=", "!=", "<", "<=", ">", ">="];
        var op = ops[r.Next(ops.Length)];
        return r.Next(14) switch
        {
            0 or 1 or 2 => $"{name} {op} {Literal(r)}",
            3 => $"{Literal(r)} {op} {name}",
            4 => $"{name} {(r.Next(2) == 0 ? "IN" : "NOT IN")} ({string.Join(", ", Enumerable.Range(0, r.Next(1, 7)).Select(_ => Literal(r)))})",
            5 => $"{name} HAS {(r.Next(2) == 0 ? "ANY" : "ALL")} ({string.Join(", ", Enumerable.Range(0, r.Next(1, 4)).Select(_ => Literal(r)))})",
            6 => $"{name} EXISTS",
            7 => name,
            8 => $"{name} {op} {(r.Next(3) switch { 0 => "$s", 1 => "$n", _ => "$flag" })}",
            9 => $"{name} {(r.Next(4) switch { 0 => "IN", 1 => "NOT IN", 2 => "HAS ANY", _ => "HAS ALL" })} {(r.Next(4) switch { 0 => "$list", 1 => "$none", 2 => "user.l", _ => "$s" })}",
            10 => $"{name} {op} {(r.Next(3) switch { 0 => "user.s", 1 => "user.n", _ => "user.missing" })}",
            11 => $"{name} {op} now {(r.Next(2) == 0 ? "-" : "+")} {r.Next(0, 3)}ms",
            12 => $"{Literal(r)} {op} {Literal(r)}",
            _ => $"user.{(r.Next(2) == 0 ? "s" : "l")} {op} {Literal(r)}",
        };
    }

    private static string Literal(Random r) => r.Next(9) switch
    {
        0 => $"'{Strings[r.Next(Strings.Length)]}'",
        1 => $"\"{Strings[r.Next(Strings.Length)]}\"",
        2 or 3 => r.Next(-3, 4).ToString(CultureInfo.InvariantCulture),
        4 => "0.5",
        5 => r.Next(2) == 0 ? "true" : "false",
        6 => $"'1970-01-01T00:00:00.00{r.Next(0, 4)}Z'",
        7 => "-0",
        _ => "1e300",
    };
}
