namespace Recommender.Client.Api;

/// <summary>The body of <c>PUT /api/v1/promotions/{name}</c>: exactly one of <see cref="Filter"/> and <see cref="FilterName"/>.</summary>
/// <param name="Filter">An inline filter expression (docs/FILTERS.md) choosing the items.</param>
/// <param name="FilterName">Or a stored filter's name.</param>
/// <param name="Slots">Places reserved per block.</param>
/// <param name="Per">The block length: <paramref name="Slots"/> places in every <paramref name="Per"/> items.</param>
/// <param name="Positions">Optional: exactly <paramref name="Slots"/> distinct 1-based places within each block of <paramref name="Per"/>.</param>
/// <param name="StartsAt">Applies from then on; null: now.</param>
/// <param name="EndsAt">Applies until then; null: no end.</param>
/// <param name="Enabled">False keeps it stored but unapplied.</param>
public sealed record PromotionSpec(
    string? Filter,
    string? FilterName,
    int Slots,
    int Per,
    IReadOnlyList<int>? Positions = null,
    DateTimeOffset? StartsAt = null,
    DateTimeOffset? EndsAt = null,
    bool Enabled = true);

/// <summary>A stored promotion as <c>/api/v1/promotions</c> answers it.</summary>
/// <param name="Name">The promotion's name.</param>
/// <param name="Filter">An inline filter expression (docs/FILTERS.md) choosing the items.</param>
/// <param name="FilterName">Or a stored filter's name.</param>
/// <param name="Slots">Places reserved per block.</param>
/// <param name="Per">The block length.</param>
/// <param name="Positions">The places as applied (the even spread when none were given).</param>
/// <param name="StartsAt">Applies from then on.</param>
/// <param name="EndsAt">Applies until then.</param>
/// <param name="Enabled">Whether it is switched on.</param>
/// <param name="Active">Enabled and inside its window now.</param>
/// <param name="UpdatedAt">Its last change.</param>
public sealed record Promotion(
    string Name,
    string? Filter,
    string? FilterName,
    int Slots,
    int Per,
    IReadOnlyList<int> Positions,
    DateTimeOffset? StartsAt,
    DateTimeOffset? EndsAt,
    bool Enabled,
    bool Active,
    DateTimeOffset UpdatedAt);

/// <summary>The body of <c>PUT /api/v1/boosts/{name}</c>: exactly one of <see cref="Filter"/> and <see cref="FilterName"/>.</summary>
/// <param name="Filter">An inline filter expression (docs/FILTERS.md) choosing the items.</param>
/// <param name="FilterName">Or a stored filter's name.</param>
/// <param name="Multiply">Greater than 0, at most 100.</param>
/// <param name="Add">−10 to 10, in units of the path's score scale.</param>
/// <param name="Enabled">False keeps it stored but unapplied.</param>
public sealed record BoostSpec(
    string? Filter,
    string? FilterName,
    double Multiply = 1,
    double Add = 0,
    bool Enabled = true);

/// <summary>A stored boost as <c>/api/v1/boosts</c> answers it.</summary>
/// <param name="Name">The boost's name.</param>
/// <param name="Filter">An inline filter expression (docs/FILTERS.md) choosing the items.</param>
/// <param name="FilterName">Or a stored filter's name.</param>
/// <param name="Multiply">The score's factor.</param>
/// <param name="Add">Added to the score after the factor.</param>
/// <param name="Enabled">Whether it is switched on.</param>
/// <param name="UpdatedAt">Its last change.</param>
public sealed record Boost(
    string Name,
    string? Filter,
    string? FilterName,
    double Multiply,
    double Add,
    bool Enabled,
    DateTimeOffset UpdatedAt);
