using Recommender.Grains.Users;

namespace Recommender.Grains.Experiments;

/// <summary>
/// How a user's list is made — what an experiment's variant varies and what a declared winner
/// becomes for everyone: the learned model or popularity, a share of popular items blended into the
/// learned list, an exploration share for new items, a filter, the stored promotions and boosts on or off.
/// </summary>
[GenerateSerializer, Alias("reco.ServingConfig"), Immutable]
public sealed record ServingConfig
{
    public const string Learned = "learned";
    public const string Popular = "popular";

    /// <summary>"learned" (the model, as without an experiment) or "popular" (most popular items the user has not seen).</summary>
    [Id(0)] public string Strategy { get; init; } = Learned;
    /// <summary>Share of the list's places (0–1) given to the most popular unseen items, spread evenly through the learned list.</summary>
    [Id(1)] public double PopularShare { get; init; }
    /// <summary>The exploration share for new items (0–1); null: the request's or the configured one.</summary>
    [Id(2)] public double? Exploration { get; init; }
    /// <summary>An inline filter every list of the variant must pass (beside the request's own).</summary>
    [Id(3)] public string? Filter { get; init; }
    // Id 4: unused.
    /// <summary>False: the stored promotions and boosts are off for the variant.</summary>
    [Id(5)] public bool ApplyRules { get; init; } = true;

    public static readonly ServingConfig Default = new();

    [System.Text.Json.Serialization.JsonIgnore] public bool IsDefault => this == Default;

    /// <summary>The request as this configuration serves it: the request's own filter and this one's both hold.</summary>
    public RecommendQuery ApplyTo(RecommendQuery query)
    {
        if (IsDefault) return query;
        return query with
        {
            Strategy = Strategy == Popular ? Popular : query.Strategy,
            PopularShare = PopularShare > 0 ? PopularShare : query.PopularShare,
            Exploration = Exploration ?? query.Exploration,
            Filter = (query.Filter, Filter) switch
            {
                (null, var mine) => mine,
                (var theirs, null) => theirs,
                var (theirs, mine) => $"({theirs}) AND ({mine})",
            },
            ApplyRules = query.ApplyRules && ApplyRules,
        };
    }
}
