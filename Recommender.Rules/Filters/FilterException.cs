namespace Recommender.Rules;

/// <summary>
/// A filter that cannot be parsed, or one evaluated without a parameter it uses.
/// <see cref="Position"/> is the 0-based character offset into the filter's text, so an editor can point at it.
/// </summary>
public sealed class FilterException(int position, string reason) : Exception($"at {position}: {reason}")
{
    public int Position { get; } = position;

    /// <summary>Short and human ("unterminated string"); <see cref="Exception.Message"/> is "at {Position}: {Reason}".</summary>
    public string Reason { get; } = reason;
}
