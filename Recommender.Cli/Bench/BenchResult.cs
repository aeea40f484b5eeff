namespace Recommender.Client.Bench;

/// <summary>One phase of <c>reco bench</c>. Latencies are null when no request succeeded.</summary>
public sealed record BenchResult(
    string Phase,
    int Concurrency,
    int BatchSize,
    long Requests,
    long Events,
    long Errors,
    double Seconds,
    double EventsPerSecond,
    double RequestsPerSecond,
    double? P50Ms,
    double? P95Ms,
    double? P99Ms,
    double? MaxMs,
    string? FirstError);

public sealed record BenchReport(string Url, DateTimeOffset StartedAt, double DurationSeconds, int Concurrency, long? EventBudget, IReadOnlyList<BenchResult> Phases);
