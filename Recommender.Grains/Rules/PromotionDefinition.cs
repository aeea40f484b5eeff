namespace Recommender.Grains.Rules;

/// <summary>
/// A named promotion (<c>/api/v1/promotions</c>): <see cref="Slots"/> places in every block of
/// <see cref="Per"/> of a user's list go to the user's best-scoring items that match the filter
/// (see <see cref="Recommender.Grains.Ranking.Promotions"/> for how the places are counted and placed).
/// </summary>
[GenerateSerializer, Alias("reco.PromotionDefinition"), Immutable]
public sealed record PromotionDefinition
{
    [Id(0)] public required string Name { get; init; }
    /// <summary>An inline filter expression; exactly one of it and <see cref="FilterName"/> is set.</summary>
    [Id(1)] public string? Filter { get; init; }
    [Id(2)] public string? FilterName { get; init; }
    [Id(3)] public int Slots { get; init; }
    [Id(4)] public int Per { get; init; }
    /// <summary>1-based places within each block of <see cref="Per"/>; null: spread evenly.</summary>
    [Id(5)] public int[]? Positions { get; init; }
    [Id(6)] public DateTimeOffset? StartsAt { get; init; }
    [Id(7)] public DateTimeOffset? EndsAt { get; init; }
    [Id(8)] public bool Enabled { get; init; } = true;
    [Id(9)] public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Enabled and inside its window (start inclusive, end exclusive) at <paramref name="now"/>.</summary>
    public bool IsActive(DateTimeOffset now) => Enabled && (StartsAt is not { } start || now >= start) && (EndsAt is not { } end || now < end);
}
