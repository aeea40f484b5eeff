namespace Recommender.Rules;

/// <summary>One side of a comparison. Everything but an item property is a constant once bound.</summary>
internal abstract record Operand(int Position)
{
    /// <summary>The bound value, or null when it is missing (a user property the user does not have).</summary>
    public abstract PropertyValue? Resolve(FilterBinding binding);
}

internal sealed record PropertyOperand(string Name, int Position) : Operand(Position)
{
    public override PropertyValue? Resolve(FilterBinding binding) => throw new InvalidOperationException("An item property is not a constant.");
}

internal sealed record UserOperand(string Name, int Position) : Operand(Position)
{
    public override PropertyValue? Resolve(FilterBinding binding) => binding.User.TryGetValue(Name, out var value) ? value : null;
}

internal sealed record ParamOperand(string Name, int Position) : Operand(Position)
{
    // Filter checks every parameter before evaluating, so this throw only guards direct use.
    public override PropertyValue? Resolve(FilterBinding binding) =>
        binding.Parameters.TryGetValue(Name, out var value) ? value : throw Unbound();

    public FilterException Unbound() => new(Position, $"parameter ${Name} is not bound");
}

internal sealed record LiteralOperand(PropertyValue Value, int Position) : Operand(Position)
{
    public override PropertyValue? Resolve(FilterBinding binding) => Value;
}

/// <summary><c>now</c>, <c>now - 30d</c>: a timestamp of the binding's clock.</summary>
internal sealed record NowOperand(long OffsetMs, int Position) : Operand(Position)
{
    public override PropertyValue? Resolve(FilterBinding binding) => PropertyValue.Timestamp(binding.NowMs + OffsetMs);
}

/// <summary>The values after IN / HAS: a literal list, or a parameter or user property (a list gives its entries, a scalar is a list of one).</summary>
internal sealed record ListSource(PropertyValue[]? Values, Operand? From)
{
    public PropertyValue[]? Resolve(FilterBinding binding)
    {
        if (Values is not null) return Values;
        var value = From!.Resolve(binding);
        if (value is null) return null;
        return value.Kind == PropertyKind.StringList ? [.. value.List.Select(PropertyValue.Of)] : [value];
    }
}
