namespace Recommender.Rules;

internal enum CompareOp { Eq, Ne, Lt, Le, Gt, Ge }

internal enum ListOp { In, NotIn, HasAny, HasAll }

/// <summary>
/// The reference meaning of one comparison between a value (the item's, or the left constant) and
/// a constant. <see cref="Filter.Matches"/> applies it directly; the column evaluation must agree
/// with it bit for bit (the equivalence tests check that). The rules:
/// <list type="bullet">
/// <item>numbers and timestamps form one numeric family and compare as doubles (a timestamp is Unix ms);</item>
/// <item>strings compare with strings, ordinally (case-sensitive), also for &lt; and &gt;;</item>
/// <item>a list "equals" a string it contains, and "!=" one it does not contain; lists never order;</item>
/// <item>booleans support = and != only;</item>
/// <item>any other pairing (number vs string, list constant, ...) is false, for != too.</item>
/// </list>
/// A NaN number (which a <see cref="PropertyBag"/> never holds) behaves like a missing value, as the
/// columns store absence as NaN.
/// </summary>
internal static class FilterSemantics
{
    public static bool IsNumeric(PropertyValue v) => v.Kind is PropertyKind.Number or PropertyKind.Timestamp;

    public static bool Compare(PropertyValue value, CompareOp op, PropertyValue constant) => op switch
    {
        CompareOp.Eq => Equal(value, constant),
        CompareOp.Ne => NotEqual(value, constant),
        _ => Order(value, op, constant),
    };

    public static bool Equal(PropertyValue value, PropertyValue constant) => constant.Kind switch
    {
        PropertyKind.String => value.Kind switch
        {
            PropertyKind.String => string.Equals(value.Text, constant.Text, StringComparison.Ordinal),
            PropertyKind.StringList => Contains(value.List, constant.Text!),
            _ => false,
        },
        PropertyKind.Number or PropertyKind.Timestamp => IsNumeric(value) && value.Number == constant.Number,
        PropertyKind.Boolean => value.Kind == PropertyKind.Boolean && value.Boolean == constant.Boolean,
        _ => false,
    };

    public static bool NotEqual(PropertyValue value, PropertyValue constant) => constant.Kind switch
    {
        PropertyKind.String => value.Kind switch
        {
            PropertyKind.String => !string.Equals(value.Text, constant.Text, StringComparison.Ordinal),
            PropertyKind.StringList => !Contains(value.List, constant.Text!),
            _ => false,
        },
        PropertyKind.Number or PropertyKind.Timestamp => IsNumeric(value) && !double.IsNaN(value.Number) && value.Number != constant.Number,
        PropertyKind.Boolean => value.Kind == PropertyKind.Boolean && value.Boolean != constant.Boolean,
        _ => false,
    };

    public static bool Order(PropertyValue value, CompareOp op, PropertyValue constant)
    {
        if (IsNumeric(value) && IsNumeric(constant)) return Holds(op, value.Number, constant.Number);
        if (value.Kind == PropertyKind.String && constant.Kind == PropertyKind.String)
            return Holds(op, string.CompareOrdinal(value.Text, constant.Text), 0);
        return false;
    }

    public static bool Holds<T>(CompareOp op, T a, T b) where T : System.Numerics.IComparisonOperators<T, T, bool> => op switch
    {
        CompareOp.Eq => a == b,
        CompareOp.Ne => a != b,
        CompareOp.Lt => a < b,
        CompareOp.Le => a <= b,
        CompareOp.Gt => a > b,
        _ => a >= b,
    };

    /// <summary>IN and HAS ANY: equal to one of the values; NOT IN: to none (the value is present here); HAS ALL: to each.</summary>
    public static bool List(PropertyValue value, ListOp op, PropertyValue[] values) => op switch
    {
        ListOp.In or ListOp.HasAny => values.Any(c => Equal(value, c)),
        ListOp.NotIn => !values.Any(c => Equal(value, c)),
        _ => values.All(c => Equal(value, c)),
    };

    /// <summary>The operator seen from the other side: 5 &lt; price is price &gt; 5.</summary>
    public static CompareOp Flip(CompareOp op) => op switch
    {
        CompareOp.Lt => CompareOp.Gt,
        CompareOp.Le => CompareOp.Ge,
        CompareOp.Gt => CompareOp.Lt,
        CompareOp.Ge => CompareOp.Le,
        _ => op,
    };

    private static bool Contains(IReadOnlyList<string> list, string entry)
    {
        for (var i = 0; i < list.Count; i++)
            if (string.Equals(list[i], entry, StringComparison.Ordinal)) return true;
        return false;
    }
}
