namespace Recommender.Grains.Rules;

/// <summary>
/// A named boost (<c>/api/v1/boosts</c>): the scores of the items that match the filter are
/// multiplied and shifted before the top-K is chosen (see <see cref="Recommender.Grains.Ranking.Boosts"/> for the scales).
/// </summary>
[GenerateSerializer, Alias("reco.BoostDefinition"), Immutable]
public sealed record BoostDefinition
{
    [Id(0)] public required string Name { get; init; }
    [Id(1)] public string? Filter { get; init; }
    [Id(2)] public string? FilterName { get; init; }
    [Id(3)] public float Multiply { get; init; } = 1f;
    [Id(4)] public float Add { get; init; }
    [Id(5)] public bool Enabled { get; init; } = true;
    [Id(6)] public DateTimeOffset UpdatedAt { get; init; }
}
