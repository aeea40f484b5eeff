using System.Text.Json;

namespace Recommender.Client.Api;

/// <summary><c>GET /api/v1/model</c> and the answer of <c>POST /api/v1/model/retrain</c>.</summary>
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
    JsonElement? LastEvaluation);

/// <summary><c>GET /api/v1/health</c>.</summary>
public sealed record HealthStatus(string Status);
