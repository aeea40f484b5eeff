using System.Collections.Frozen;

namespace Recommender.Rules;

/// <summary>
/// What a filter reads besides the item: <c>$name</c> parameters of the request, <c>user.name</c>
/// properties of the requesting user and the time <c>now</c> stands for. Bound per evaluation, so
/// one parsed filter serves every request.
/// </summary>
public sealed record FilterBinding
{
    public IReadOnlyDictionary<string, PropertyValue> Parameters { get; init; } = FrozenDictionary<string, PropertyValue>.Empty;
    public IReadOnlyDictionary<string, PropertyValue> User { get; init; } = FrozenDictionary<string, PropertyValue>.Empty;

    /// <summary>Unix milliseconds of <c>now</c>.</summary>
    public long NowMs { get; init; }

    public static FilterBinding At(long nowMs) => new() { NowMs = nowMs };
}
