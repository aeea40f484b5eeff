namespace Recommender.Client.Api;

/// <summary>
/// How a list is made: what an experiment's variant varies and what a declared winner becomes for
/// everyone (<c>GET /api/v1/serving</c>).
/// </summary>
/// <param name="Strategy"><c>learned</c> (the model) or <c>popular</c> (the most popular items the user has not seen).</param>
/// <param name="PopularShare">Share of the list's places (0–1) given to the most popular unseen items.</param>
/// <param name="Exploration">Share of the list (0–1) given to new items; null: the request's or the configured one.</param>
/// <param name="Filter">An inline filter every list of the variant must pass (beside the request's own).</param>
/// <param name="ApplyRules">False: the stored promotions and boosts are off for the variant.</param>
public sealed record ServingConfig(
    string Strategy = ServingConfig.Learned,
    double PopularShare = 0,
    double? Exploration = null,
    string? Filter = null,
    bool ApplyRules = true)
{
    /// <summary>The model's list.</summary>
    public const string Learned = "learned";

    /// <summary>The most popular items the user has not seen.</summary>
    public const string Popular = "popular";
}

/// <summary>One arm of an experiment.</summary>
/// <param name="Name">The variant's name (the first variant is the control).</param>
/// <param name="Share">Its share of the users not held out (a positive number; shares are normalised to sum 1).</param>
/// <param name="Serving">What its users are served; null sends nothing (the default configuration).</param>
public sealed record ExperimentVariant(string Name, double Share, ServingConfig? Serving = null);

/// <summary>The body of <c>POST /api/v1/experiments</c>. The first variant is the control.</summary>
/// <param name="Id">1–64 letters, digits, '-', '_' or '.'.</param>
/// <param name="Variants">2–10 variants; the first is the control.</param>
/// <param name="Name">A human name (default: the id).</param>
/// <param name="Holdout">Share of users (0–0.5) kept out, served the default and reported as "holdout"; null: none.</param>
/// <param name="Metric"><c>hitRate</c> (default) or <c>conversion</c>: the rate the decision is made on.</param>
/// <param name="Alpha">The sequential test's level (0.001–0.2; default 0.05).</param>
/// <param name="Start">Start it at once (409 when another experiment runs).</param>
public sealed record ExperimentSpec(
    string Id,
    IReadOnlyList<ExperimentVariant> Variants,
    string? Name = null,
    double? Holdout = null,
    string? Metric = null,
    double? Alpha = null,
    bool Start = false);

/// <summary>An experiment as <c>/api/v1/experiments</c> answers it.</summary>
/// <param name="Id">The experiment's id.</param>
/// <param name="Name">Its human name.</param>
/// <param name="Surface">What it varies: the recommendations surface.</param>
/// <param name="Variants">Its variants; the first is the control.</param>
/// <param name="Holdout">Share of users kept out.</param>
/// <param name="Metric"><see cref="HitRate"/> or <see cref="Conversion"/>.</param>
/// <param name="Alpha">The sequential test's level.</param>
/// <param name="Status"><c>draft</c>, <c>running</c> or <c>stopped</c>.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="StartedAt">When it started; null while a draft.</param>
/// <param name="StoppedAt">When it stopped; null until then.</param>
/// <param name="Winner">The variant declared the winner (its configuration became the default); null until then.</param>
public sealed record Experiment(
    string Id,
    string Name,
    string? Surface,
    IReadOnlyList<ExperimentVariant> Variants,
    double Holdout,
    string Metric,
    double Alpha,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? StoppedAt,
    string? Winner)
{
    /// <summary>Created, not started.</summary>
    public const string Draft = "draft";

    /// <summary>Serving its variants now (one experiment at a time).</summary>
    public const string Running = "running";

    /// <summary>Over: everyone is served the default again.</summary>
    public const string Stopped = "stopped";

    /// <summary>Decide on hits per impression.</summary>
    public const string HitRate = "hitRate";

    /// <summary>Decide on purchases per impression.</summary>
    public const string Conversion = "conversion";

    /// <summary>The name results give the held-out users.</summary>
    public const string HoldoutVariant = "holdout";
}

/// <summary>
/// <c>GET /api/v1/experiments/{id}/results</c> (and the hub's <c>experimentResults</c> push): per variant
/// totals with always-valid intervals, each variant against the control, the decision, the series.
/// </summary>
public sealed record ExperimentResults(
    Experiment Experiment,
    DateTimeOffset AsOf,
    IReadOnlyList<VariantResult> Variants,
    IReadOnlyList<VariantComparison> Comparisons,
    ExperimentDecision Decision,
    IReadOnlyList<ResultsPoint>? Series = null);

/// <summary>One variant's totals (or the holdout's).</summary>
/// <param name="Name">The variant (or <c>holdout</c>).</param>
/// <param name="Share">Its share of the users.</param>
/// <param name="Users">Distinct users served (HyperLogLog: exact for small counts, ~1 % error beyond).</param>
/// <param name="Impressions">Lists served.</param>
/// <param name="Events">Positive events attributed to those lists.</param>
/// <param name="Hits">Lists with at least one attributed positive event.</param>
/// <param name="Conversions">Lists with at least one attributed purchase.</param>
/// <param name="Ctr">Attributed events per impression.</param>
/// <param name="HitRate">Hits per impression, with its always-valid interval.</param>
/// <param name="Conversion">Conversions per impression, with its always-valid interval.</param>
public sealed record VariantResult(
    string Name,
    double Share,
    long Users,
    long Impressions,
    long Events,
    long Hits,
    long Conversions,
    double Ctr,
    RateInterval HitRate,
    RateInterval Conversion);

/// <summary>A rate (or a difference of rates) and its always-valid interval [Low, High].</summary>
public sealed record RateInterval(double Value, double Low, double High);

/// <summary>A variant against the control on the experiment's metric.</summary>
/// <param name="Variant">The variant.</param>
/// <param name="Against">The control.</param>
/// <param name="Difference">The variant's rate minus the control's, with its always-valid interval.</param>
/// <param name="P">The always-valid p-value (valid however often the results are read).</param>
/// <param name="Significant">P at or below α divided by the number of comparisons.</param>
public sealed record VariantComparison(string Variant, string Against, RateInterval Difference, double P, bool Significant);

/// <summary>Where the sequential test stands.</summary>
/// <param name="Status"><c>undecided</c>, or <c>decided</c> with <see cref="Winner"/>.</param>
/// <param name="Winner">The variant the test favours, once decided.</param>
/// <param name="Reason">Why, in a sentence.</param>
public sealed record ExperimentDecision(string Status, string? Winner, string Reason);

/// <summary>Each variant's cumulative figures at the end of a minute with data.</summary>
public sealed record ResultsPoint(DateTimeOffset At, IReadOnlyList<ResultsPointValue> Variants);

/// <summary>One variant at one minute of the series.</summary>
/// <param name="Name">The variant.</param>
/// <param name="Impressions">Lists served so far.</param>
/// <param name="Rate">The experiment's metric so far, with its interval.</param>
public sealed record ResultsPointValue(string Name, long Impressions, RateInterval Rate);

/// <summary><c>GET /api/v1/metrics/online</c>: the online metrics of a sliding window.</summary>
/// <param name="From">The window's start.</param>
/// <param name="To">The window's end.</param>
/// <param name="Groups">One entry per strategy, model version and experiment variant.</param>
/// <param name="Unmatched">Events whose recommendationId was unknown to the user's grain or did not serve the item.</param>
/// <param name="CatalogSize">The catalogue's size coverage is a share of.</param>
public sealed record OnlineMetrics(
    DateTimeOffset From,
    DateTimeOffset To,
    IReadOnlyList<OnlineGroupMetrics> Groups,
    long Unmatched,
    int CatalogSize);

/// <summary>The metrics of the lists made by one strategy and model version, in one experiment variant (or none).</summary>
/// <param name="Strategy"><c>personal</c>, <c>popular</c>, … as the lists were made.</param>
/// <param name="ModelVersion">The model that made them (0: none).</param>
/// <param name="Experiment">The experiment, if any.</param>
/// <param name="Variant">Its variant, if any.</param>
/// <param name="Impressions">Lists served.</param>
/// <param name="ItemsServed">Items in the lists served (continued pages included).</param>
/// <param name="Events">Attributed positive events; <see cref="EventsByType"/> by type.</param>
/// <param name="EventsByType">The attributed events by type.</param>
/// <param name="Hits">Impressions with at least one attributed positive event.</param>
/// <param name="Conversions">Impressions with at least one attributed purchase.</param>
/// <param name="Ctr">Attributed events per impression.</param>
/// <param name="HitRate">Impressions with at least one attributed positive event.</param>
/// <param name="Conversion">Impressions with at least one attributed purchase.</param>
/// <param name="MeanPosition">Mean rank of the items attributed events were on.</param>
/// <param name="DistinctItems">Distinct items served (HyperLogLog).</param>
/// <param name="Coverage">Distinct items served over the catalogue's size.</param>
/// <param name="Novelty">Mean over served items of 1 − ln(1 + n)/ln(1 + n_max), n an item's positive interactions.</param>
public sealed record OnlineGroupMetrics(
    string Strategy,
    long ModelVersion,
    string? Experiment,
    string? Variant,
    long Impressions,
    long ItemsServed,
    long Events,
    IReadOnlyDictionary<string, long>? EventsByType,
    long Hits,
    long Conversions,
    double Ctr,
    double HitRate,
    double Conversion,
    double MeanPosition,
    long DistinctItems,
    double Coverage,
    double Novelty);
