using Recommender.Learning;

namespace Recommender.Client.Evaluation;

/// <summary>One line of an evaluation table: a method on a fold (or the mean over folds).</summary>
/// <param name="Fold">1–5 for offline folds, null for the mean or for the prequential run.</param>
/// <param name="Count">Users (offline) or test events (prequential) the means are over.</param>
/// <param name="Seconds">Wall time of the fold or run (import + training + queries) for the service; of the computation for baselines.</param>
public sealed record EvaluationRow(
    string Method,
    int? Fold,
    double Ndcg,
    double Precision,
    double Recall,
    double HitRate,
    int Count,
    double Seconds)
{
    public static EvaluationRow From(string method, int? fold, RankingScores s, int count, double seconds) =>
        new(method, fold, s.Ndcg, s.Precision, s.Recall, s.HitRate, count, seconds);

    /// <summary>The mean of several rows of one method (unweighted over folds, as the MovieLens convention).</summary>
    public static EvaluationRow Mean(string method, IReadOnlyList<EvaluationRow> rows) => new(
        method,
        null,
        rows.Average(r => r.Ndcg),
        rows.Average(r => r.Precision),
        rows.Average(r => r.Recall),
        rows.Average(r => r.HitRate),
        (int)Math.Round(rows.Average(r => r.Count)),
        rows.Sum(r => r.Seconds));
}

/// <summary>Timings and server facts of one fold/run, kept in the JSON report.</summary>
public sealed record RunDetails(
    int? Fold,
    int TrainEvents,
    int TestCount,
    double ImportSeconds,
    double TrainSeconds,
    double QuerySeconds,
    long? ModelVersion,
    double? TrainingMs,
    IReadOnlyDictionary<string, int> Strategies,
    Api.ModelChoice? Choice = null);

/// <summary>Everything <c>reco evaluate</c> writes to <c>--out</c>.</summary>
public sealed record EvaluationReport(
    string Protocol,
    string Dataset,
    string Server,
    DateTimeOffset StartedAt,
    int K,
    IReadOnlyList<EvaluationRow> Rows,
    IReadOnlyList<EvaluationRow> Means,
    IReadOnlyList<RunDetails> Runs,
    IReadOnlyList<string> Notes);
