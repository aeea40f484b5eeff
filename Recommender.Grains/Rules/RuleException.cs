namespace Recommender.Grains.Rules;

/// <summary>
/// A request's rule cannot be applied: an unknown filter name, a filter that does not parse, a
/// parameter it needs and was not given. The API answers it as a 400 problem naming
/// <see cref="Field"/>; it crosses from a silo to the API as itself.
/// </summary>
[GenerateSerializer, Alias("reco.RuleException")]
public sealed class RuleException(string field, string reason) : Exception(reason)
{
    [Id(0)] public string Field { get; } = field;
    [Id(1)] public string Reason { get; } = reason;
}
