using Recommender.Grains.Domain;

namespace Recommender.Grains.Users;

[GenerateSerializer, Alias("reco.RecordResult"), Immutable]
public readonly record struct RecordResult([property: Id(0)] int Accepted, [property: Id(1)] int Duplicates);

[GenerateSerializer, Alias("reco.RecommendQuery"), Immutable]
public sealed record RecommendQuery
{
    [Id(0)] public int K { get; init; } = 10;
    [Id(1)] public string? Category { get; init; }
    [Id(2)] public string[] Exclude { get; init; } = [];
    [Id(3)] public bool Explain { get; init; } = true;
    /// <summary>An inline filter expression (docs/FILTERS.md); validated by the API, parsed once per silo.</summary>
    [Id(4)] public string? Filter { get; init; }
    /// <summary>A stored filter's name (<c>/api/v1/filters</c>); with <see cref="Filter"/> both must hold.</summary>
    [Id(5)] public string? FilterName { get; init; }
    /// <summary>The filters' $parameters as canonical properties JSON (<see cref="Recommender.Rules.PropertyBag.ToJson"/>).</summary>
    [Id(6)] public string? Parameters { get; init; }
    /// <summary>Ranks <see cref="K"/> + Offset and returns the items after the first Offset (simple paging, 0–1000).</summary>
    [Id(7)] public int Offset { get; init; }
    // Id 8: unused (a continued list is asked for by IUserGrain.Next, not by a query field).
    /// <summary>Push items this user was served within the rotation window after all others; null: the configured default.</summary>
    [Id(9)] public bool? Rotation { get; init; }
    /// <summary>
    /// The share of the list (0–1) given to new items (<see cref="Recommender.Grains.Ranking.Exploration"/>); null: the
    /// configured <c>Recommender:Exploration:Share</c>.
    /// </summary>
    [Id(10)] public double? Exploration { get; init; }
    /// <summary>False turns the stored promotions and boosts off for this request (A/B comparisons, tests).</summary>
    [Id(11)] public bool ApplyRules { get; init; } = true;
    /// <summary>"popular" ranks by popularity whatever the user's evidence (an experiment's variant sets it); null: the learned model.</summary>
    [Id(12)] public string? Strategy { get; init; }
    /// <summary>Share of places (0–1) given to the most popular unseen items, spread evenly (an experiment's variant sets it).</summary>
    [Id(13)] public double PopularShare { get; init; }
    /// <summary>Where the list is served, for the impression log: "api" (default) or "seed".</summary>
    [Id(14)] public string Source { get; init; } = "api";

    /// <summary>
    /// Set inside a silo only, never sent (no [Id]): the slots a list may take its items from (a
    /// promotion's matching items); every other slot is excluded by <see cref="Recommender.Grains.Ranking.ItemMasks"/>.
    /// </summary>
    [field: NonSerialized] internal ulong[]? Within { get; init; }

    /// <summary>The query has a filter of its own (an inline one or a stored one).</summary>
    public bool IsFiltered => Filter is not null || FilterName is not null;
}

[GenerateSerializer, Alias("reco.RankedItem"), Immutable]
public sealed record RankedItem
{
    [Id(0)] public int Rank { get; init; }
    [Id(1)] public required string ItemId { get; init; }
    [Id(2)] public string Title { get; init; } = "";
    [Id(3)] public string[] Categories { get; init; } = [];
    [Id(4)] public float Score { get; init; }
    [Id(5)] public string? Reason { get; init; }
    /// <summary>The promotion that placed this item (its <see cref="Reason"/> is then "promoted"); null for an organic item.</summary>
    [Id(6)] public string? Promotion { get; init; }
    /// <summary>Created within <c>Recommender:Exploration:MaxAge</c> and not in the last training (see <see cref="Recommender.Grains.Ranking.Exploration"/>).</summary>
    [Id(7)] public bool IsNew { get; init; }
    /// <summary>The item's properties as canonical JSON (<see cref="Recommender.Rules.PropertyBag.ToJson"/>); null: none.</summary>
    [Id(8), System.Text.Json.Serialization.JsonConverter(typeof(RawJsonConverter))] public string? Properties { get; init; }
}

[GenerateSerializer, Alias("reco.Ranking"), Immutable]
public sealed record Ranking
{
    [Id(0)] public required string UserId { get; init; }
    [Id(1)] public long ModelVersion { get; init; }
    /// <summary>"popular" for users without positive evidence yet, "personal" otherwise.</summary>
    [Id(2)] public string Strategy { get; init; } = "popular";
    [Id(3)] public DateTimeOffset ComputedAt { get; init; }
    [Id(4)] public RankedItem[] Items { get; init; } = [];
    /// <summary>Names this list: GET …/recommendations/next?recommendationId= continues it without repeats (IUserGrain.Next).</summary>
    [Id(5)] public string? RecommendationId { get; init; }
    /// <summary>The running experiment the user is in (null outside one) and the user's variant in it ("holdout" when held out).</summary>
    [Id(6)] public string? Experiment { get; init; }
    [Id(7)] public string? Variant { get; init; }
}

[GenerateSerializer, Alias("reco.UserProfile"), Immutable]
public sealed record UserProfile
{
    [Id(0)] public required string UserId { get; init; }
    [Id(1)] public DateTimeOffset FirstSeen { get; init; }
    [Id(2)] public DateTimeOffset LastSeen { get; init; }
    [Id(3)] public int TotalEvents { get; init; }
    [Id(4)] public Dictionary<string, int> Counts { get; init; } = [];
    [Id(5)] public CategoryWeight[] TopCategories { get; init; } = [];
    [Id(6)] public InteractionEvent[] Recent { get; init; } = [];
    [Id(7)] public long ModelVersion { get; init; }
    /// <summary>The user's properties as canonical JSON; null: none.</summary>
    [Id(8)] public string? Properties { get; init; }
}

[GenerateSerializer, Alias("reco.CategoryWeight"), Immutable]
public readonly record struct CategoryWeight([property: Id(0)] string Category, [property: Id(1)] float Weight);

/// <summary>Everything held about a user (privacy export).</summary>
[GenerateSerializer, Alias("reco.UserExport"), Immutable]
public sealed record UserExport
{
    [Id(0)] public required UserProfile Profile { get; init; }
    [Id(1)] public Dictionary<string, ItemAffinity> Items { get; init; } = [];
    [Id(2)] public Dictionary<string, float> CategoryWeights { get; init; } = [];
    [Id(3)] public float[]? Embedding { get; init; }
    [Id(4)] public string[] LastRanking { get; init; } = [];
    [Id(5)] public InteractionEvent[] Events { get; init; } = [];
}
