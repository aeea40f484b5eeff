namespace Recommender.Grains.Rules;

/// <summary>A named filter stored server-side (<c>/api/v1/filters</c>), usable by name wherever an inline one is.</summary>
[GenerateSerializer, Alias("reco.FilterDefinition"), Immutable]
public sealed record FilterDefinition
{
    [Id(0)] public required string Name { get; init; }
    [Id(1)] public required string Expression { get; init; }
    [Id(2)] public string? Description { get; init; }
    [Id(3)] public DateTimeOffset UpdatedAt { get; init; }
}
