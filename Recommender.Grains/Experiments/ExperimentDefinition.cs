namespace Recommender.Grains.Experiments;

/// <summary>
/// An A/B test on the <c>recommendations</c> surface (every list a user is served: REST, <c>next</c>,
/// the seed call and hub pushes). At most one runs at a time: experiments are not layered, so a
/// user is in one variant of one experiment or in none. The first variant is the control.
/// </summary>
[GenerateSerializer, Alias("reco.ExperimentDefinition"), Immutable]
public sealed record ExperimentDefinition
{
    public const string Draft = "draft", Running = "running", Stopped = "stopped";
    public const string HitRate = "hitRate", Conversion = "conversion";
    public const string HoldoutVariant = "holdout";

    [Id(0)] public required string Id { get; init; }
    [Id(1)] public string Name { get; init; } = "";
    [Id(2)] public string Surface { get; init; } = "recommendations";
    [Id(3)] public required VariantDefinition[] Variants { get; init; }
    /// <summary>The share of users (0–0.5) kept out of the experiment: served the default configuration, reported as "holdout".</summary>
    [Id(4)] public double Holdout { get; init; }
    /// <summary>The rate the decision is made on: "hitRate" (impressions with an attributed positive event) or "conversion" (with a purchase).</summary>
    [Id(5)] public string Metric { get; init; } = HitRate;
    /// <summary>The sequential test's level: the chance of ever declaring a difference that is not there, however often the results are read.</summary>
    [Id(6)] public double Alpha { get; init; } = 0.05;
    [Id(7)] public string Status { get; init; } = Draft;
    [Id(8)] public DateTimeOffset CreatedAt { get; init; }
    [Id(9)] public DateTimeOffset? StartedAt { get; init; }
    [Id(10)] public DateTimeOffset? StoppedAt { get; init; }
    /// <summary>The variant declared the winner (its serving configuration became the default).</summary>
    [Id(11)] public string? Winner { get; init; }

    [System.Text.Json.Serialization.JsonIgnore] public VariantDefinition Control => Variants[0];

    /// <summary>
    /// The variant of a user: <see cref="Bucketing.Position"/> in [0, 1), the first <see cref="Holdout"/>
    /// of it held out, the rest cut by the variants' shares in order. Deterministic and sticky: the
    /// same user and experiment always land in the same place, whatever silo asks.
    /// </summary>
    public (string Variant, ServingConfig? Serving) Assign(string userId)
    {
        var u = Bucketing.Position(Id, userId);
        if (u < Holdout) return (HoldoutVariant, null);
        u = (u - Holdout) / (1 - Holdout);
        var total = Variants.Sum(v => v.Share);
        var edge = 0d;
        foreach (var variant in Variants)
        {
            edge += variant.Share / total;
            if (u < edge) return (variant.Name, variant.Serving);
        }
        return (Variants[^1].Name, Variants[^1].Serving);
    }
}

[GenerateSerializer, Alias("reco.VariantDefinition"), Immutable]
public sealed record VariantDefinition
{
    [Id(0)] public required string Name { get; init; }
    /// <summary>Its share of the users not held out; shares are normalised to sum 1.</summary>
    [Id(1)] public double Share { get; init; }
    [Id(2)] public ServingConfig Serving { get; init; } = ServingConfig.Default;
}
