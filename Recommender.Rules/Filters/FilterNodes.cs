using System.Buffers;

namespace Recommender.Rules;

/// <summary>What one evaluation reads, and scratch word arrays from the shared pool.</summary>
internal readonly record struct EvalContext(PropertyColumns Columns, int Count, FilterBinding Binding)
{
    public int Words => Bits.Words(Count);

    public ulong[] Rent() => ArrayPool<ulong>.Shared.Rent(Math.Max(1, Words));

    public static void Return(ulong[] buffer) => ArrayPool<ulong>.Shared.Return(buffer);
}

/// <summary>
/// A node of a parsed filter. Two evaluations with one meaning: <see cref="Matches"/> on one item's
/// values (the reference), <see cref="Evaluate"/> over the columns of all slots at once.
/// </summary>
internal abstract class FilterNode
{
    public abstract bool Matches(IReadOnlyDictionary<string, PropertyValue> item, FilterBinding binding);

    /// <summary>Overwrites all of <paramref name="into"/> (ctx.Words words) with the slots that match.</summary>
    public abstract void Evaluate(in EvalContext ctx, Span<ulong> into);

    /// <summary>The value when it does not depend on the item under this binding, else null.</summary>
    public abstract bool? Fold(FilterBinding binding);
}

internal sealed class AndNode(FilterNode[] parts) : FilterNode
{
    public override bool Matches(IReadOnlyDictionary<string, PropertyValue> item, FilterBinding binding) => parts.All(p => p.Matches(item, binding));

    public override void Evaluate(in EvalContext ctx, Span<ulong> into)
    {
        parts[0].Evaluate(ctx, into);
        if (parts.Length == 1) return;
        var scratch = ctx.Rent();
        try
        {
            var other = scratch.AsSpan(0, into.Length);
            for (var i = 1; i < parts.Length && !Bits.IsEmpty(into); i++)
            {
                parts[i].Evaluate(ctx, other);
                Bits.And(into, other);
            }
        }
        finally { EvalContext.Return(scratch); }
    }

    public override bool? Fold(FilterBinding binding)
    {
        bool? result = true;
        foreach (var part in parts)
        {
            var value = part.Fold(binding);
            if (value == false) return false;
            if (value is null) result = null;
        }
        return result;
    }
}

internal sealed class OrNode(FilterNode[] parts) : FilterNode
{
    public override bool Matches(IReadOnlyDictionary<string, PropertyValue> item, FilterBinding binding) => parts.Any(p => p.Matches(item, binding));

    public override void Evaluate(in EvalContext ctx, Span<ulong> into)
    {
        parts[0].Evaluate(ctx, into);
        var scratch = ctx.Rent();
        try
        {
            var other = scratch.AsSpan(0, into.Length);
            for (var i = 1; i < parts.Length; i++)
            {
                parts[i].Evaluate(ctx, other);
                Bits.Or(into, other);
            }
        }
        finally { EvalContext.Return(scratch); }
    }

    public override bool? Fold(FilterBinding binding)
    {
        bool? result = false;
        foreach (var part in parts)
        {
            var value = part.Fold(binding);
            if (value == true) return true;
            if (value is null) result = null;
        }
        return result;
    }
}

/// <summary>NOT inverts over all slots below count, so it holds for items without the property.</summary>
internal sealed class NotNode(FilterNode inner) : FilterNode
{
    public override bool Matches(IReadOnlyDictionary<string, PropertyValue> item, FilterBinding binding) => !inner.Matches(item, binding);

    public override void Evaluate(in EvalContext ctx, Span<ulong> into)
    {
        inner.Evaluate(ctx, into);
        Bits.Not(into, ctx.Count);
    }

    public override bool? Fold(FilterBinding binding) => !inner.Fold(binding);
}

/// <summary>A predicate on constants alone (<c>user.tier = 'gold'</c>): all slots or none.</summary>
internal abstract class ConstantNode : FilterNode
{
    public abstract bool Value(FilterBinding binding);

    public override bool Matches(IReadOnlyDictionary<string, PropertyValue> item, FilterBinding binding) => Value(binding);

    public override void Evaluate(in EvalContext ctx, Span<ulong> into)
    {
        if (Value(ctx.Binding)) Bits.Fill(into, ctx.Count);
        else into.Clear();
    }

    public override bool? Fold(FilterBinding binding) => Value(binding);
}

internal sealed class ConstantCompare(Operand left, CompareOp op, Operand right) : ConstantNode
{
    public override bool Value(FilterBinding binding)
    {
        if (left.Resolve(binding) is not { } a || right.Resolve(binding) is not { } b) return false;
        // 'x' = user.tags reads as user.tags = 'x' (the list is the side that contains).
        return a.Kind != PropertyKind.StringList && b.Kind == PropertyKind.StringList
            ? FilterSemantics.Compare(b, FilterSemantics.Flip(op), a)
            : FilterSemantics.Compare(a, op, b);
    }
}

internal sealed class ConstantList(Operand left, ListOp op, ListSource source) : ConstantNode
{
    public override bool Value(FilterBinding binding) =>
        left.Resolve(binding) is { } value && source.Resolve(binding) is { } values && FilterSemantics.List(value, op, values);
}

internal sealed class ConstantExists(Operand operand) : ConstantNode
{
    public override bool Value(FilterBinding binding) => operand.Resolve(binding) is not null;
}

/// <summary>A predicate on an item property.</summary>
internal abstract class ItemNode(string name) : FilterNode
{
    public string Name { get; } = name;

    public override bool? Fold(FilterBinding binding) => null;

    public override void Evaluate(in EvalContext ctx, Span<ulong> into)
    {
        into.Clear();
        if (ctx.Columns.Column(Name) is { } column) Evaluate(ctx, column, into);
    }

    /// <summary>ORs the matching slots into a cleared <paramref name="into"/>.</summary>
    protected abstract void Evaluate(in EvalContext ctx, PropertyColumn column, Span<ulong> into);

    /// <summary>Slots whose value equals c (<see cref="FilterSemantics.Equal"/>), ORed into into.</summary>
    protected static void OrEqual(in EvalContext ctx, PropertyColumn column, PropertyValue c, Span<ulong> into)
    {
        switch (c.Kind)
        {
            case PropertyKind.String:
                // a string, or a list that contains it
                column.Strings.GetValueOrDefault(c.Text!)?.OrInto(into, ctx.Count);
                column.Entries.GetValueOrDefault(c.Text!)?.OrInto(into, ctx.Count);
                break;
            case PropertyKind.Number or PropertyKind.Timestamp:
                if (column.Numbers is { } numbers) NumericScan.Or(numbers, CompareOp.Eq, c.Number, into, ctx.Count);
                break;
            case PropertyKind.Boolean:
                (c.Boolean ? column.True : column.False).OrInto(into, ctx.Count);
                break;
        }
    }
}

internal sealed class ItemCompare(string name, CompareOp op, Operand value) : ItemNode(name)
{
    public override bool Matches(IReadOnlyDictionary<string, PropertyValue> item, FilterBinding binding) =>
        item.TryGetValue(Name, out var v) && value.Resolve(binding) is { } c && FilterSemantics.Compare(v, op, c);

    protected override void Evaluate(in EvalContext ctx, PropertyColumn column, Span<ulong> into)
    {
        if (value.Resolve(ctx.Binding) is not { } c) return;
        if (op == CompareOp.Eq)
        {
            OrEqual(ctx, column, c, into);
            return;
        }
        switch (c.Kind)
        {
            case PropertyKind.Number or PropertyKind.Timestamp:
                if (column.Numbers is { } numbers) NumericScan.Or(numbers, op, c.Number, into, ctx.Count);
                break;
            case PropertyKind.String when op == CompareOp.Ne:
                // A slot holds a string or a list, not both, and S ⊆ strings, E ⊆ lists, so
                // (strings ∖ S) ∪ (lists ∖ E) = (strings ∪ lists) ∖ (S ∪ E).
                column.StringKind.OrInto(into, ctx.Count);
                column.ListKind.OrInto(into, ctx.Count);
                column.Strings.GetValueOrDefault(c.Text!)?.AndNotInto(into, ctx.Count);
                column.Entries.GetValueOrDefault(c.Text!)?.AndNotInto(into, ctx.Count);
                break;
            case PropertyKind.String:
                if (column.Texts is { } texts) OrStringRange(texts, op, c.Text!, into, ctx.Count);
                break;
            case PropertyKind.Boolean when op == CompareOp.Ne:
                (c.Boolean ? column.False : column.True).OrInto(into, ctx.Count);
                break;
        }
    }

    private static void OrStringRange(string?[] texts, CompareOp op, string c, Span<ulong> into, int count)
    {
        var n = Math.Min(count, texts.Length);
        for (var i = 0; i < n; i++)
            if (Volatile.Read(ref texts[i]) is { } text && FilterSemantics.Holds(op, string.CompareOrdinal(text, c), 0))
                into[i >> 6] |= 1UL << i;
    }
}

internal sealed class ItemList(string name, ListOp op, ListSource source) : ItemNode(name)
{
    /// <summary>Up to this many numbers, one vector scan each; more, one pass with a hash set.</summary>
    private const int NumericScansMax = 4;

    public override bool Matches(IReadOnlyDictionary<string, PropertyValue> item, FilterBinding binding) =>
        item.TryGetValue(Name, out var v) && source.Resolve(binding) is { } values && FilterSemantics.List(v, op, values);

    protected override void Evaluate(in EvalContext ctx, PropertyColumn column, Span<ulong> into)
    {
        if (source.Resolve(ctx.Binding) is not { } values) return;
        switch (op)
        {
            case ListOp.In or ListOp.HasAny:
                OrAny(ctx, column, values, into);
                break;
            case ListOp.NotIn:
                // present ∖ any
                OrAny(ctx, column, values, into);
                Bits.Not(into, ctx.Count);
                var present = ctx.Rent();
                try
                {
                    var p = present.AsSpan(0, into.Length);
                    p.Clear();
                    column.Present.OrInto(p, ctx.Count);
                    Bits.And(into, p);
                }
                finally { EvalContext.Return(present); }
                break;
            default:
                // HAS ALL: ∩ of equalities; of no values, every slot with the property
                if (values.Length == 0)
                {
                    column.Present.OrInto(into, ctx.Count);
                    break;
                }
                OrEqual(ctx, column, values[0], into);
                var scratch = ctx.Rent();
                try
                {
                    var other = scratch.AsSpan(0, into.Length);
                    for (var i = 1; i < values.Length && !Bits.IsEmpty(into); i++)
                    {
                        other.Clear();
                        OrEqual(ctx, column, values[i], other);
                        Bits.And(into, other);
                    }
                }
                finally { EvalContext.Return(scratch); }
                break;
        }
    }

    private static void OrAny(in EvalContext ctx, PropertyColumn column, PropertyValue[] values, Span<ulong> into)
    {
        var numbers = 0;
        foreach (var value in values)
            if (FilterSemantics.IsNumeric(value)) numbers++;
            else OrEqual(ctx, column, value, into);
        if (numbers == 0 || column.Numbers is not { } numberColumn) return;
        if (numbers <= NumericScansMax)
        {
            foreach (var value in values)
                if (FilterSemantics.IsNumeric(value)) NumericScan.Or(numberColumn, CompareOp.Eq, value.Number, into, ctx.Count);
            return;
        }
        var set = new HashSet<double>();
        foreach (var value in values)
            if (FilterSemantics.IsNumeric(value) && !double.IsNaN(value.Number)) set.Add(value.Number + 0.0);
        NumericScan.OrIn(numberColumn, set, into, ctx.Count);
    }
}

internal sealed class ItemExists(string name) : ItemNode(name)
{
    public override bool Matches(IReadOnlyDictionary<string, PropertyValue> item, FilterBinding binding) => item.ContainsKey(Name);

    protected override void Evaluate(in EvalContext ctx, PropertyColumn column, Span<ulong> into) => column.Present.OrInto(into, ctx.Count);
}
