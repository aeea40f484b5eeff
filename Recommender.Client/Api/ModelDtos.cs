using System.Text.Json;

namespace Recommender.Client.Api;

/// <summary><c>GET /api/v1/model</c> and the answer of <c>POST /api/v1/model/retrain</c>.</summary>
/// <param name="Version">The served model's version; null before the first training.</param>
/// <param name="TrainedAt">When it was trained.</param>
/// <param name="TrainingMs">How long the training took.</param>
/// <param name="Users">Users in the training.</param>
/// <param name="Items">Items in the training.</param>
/// <param name="Interactions">User–item pairs in the training.</param>
/// <param name="EventsSinceTraining">Events recorded since.</param>
/// <param name="Status">The trainer's state, as the server words it.</param>
/// <param name="Choice">What the self-tuning chose and why.</param>
/// <param name="LastEvaluation">Free-form on the server side, so kept as raw JSON.</param>
public sealed record ModelStatus(
    long? Version,
    DateTimeOffset? TrainedAt,
    double? TrainingMs,
    long? Users,
    long? Items,
    long? Interactions,
    long? EventsSinceTraining,
    string? Status,
    JsonElement? LastEvaluation,
    ModelChoice? Choice = null);

/// <summary>What the last training chose to serve and why (<c>choice</c> of <c>GET /api/v1/model</c>).</summary>
public sealed record ModelChoice(
    string? Serving,
    string? Als,
    string? ItemItem,
    string? Evidence,
    string? Reason,
    double? ValidationNdcg,
    int? ValidationUsers,
    long? TuningMs,
    bool? Searched,
    IReadOnlyList<CandidateFigure>? Candidates,
    IReadOnlyList<float>? Weights);

/// <summary>One candidate of the self-tuning with its validation NDCG@10.</summary>
public sealed record CandidateFigure(string Family, string Settings, double Ndcg, double Seconds);

/// <summary><c>GET /api/v1/health</c>: <see cref="Model"/> is <c>"pending"</c> until the first model is published (popularity serves), then <c>"v3"</c>.</summary>
public sealed record HealthStatus(string Status, string? Model = null);
