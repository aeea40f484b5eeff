using System.Globalization;

namespace Recommender.Client.Api;

/// <summary>
/// A/B experiments on the recommendations surface, the default serving configuration and the online
/// metrics (<c>/api/v1/experiments</c>, <c>/api/v1/serving</c>, <c>/api/v1/metrics/online</c>). Changes
/// need the admin scope. A refusal is a <see cref="RecommenderApiException"/>: 400 naming the field
/// (<c>variants[1].serving.filter</c>, …), 404 for an unknown experiment, 409 when the experiment's
/// state does not allow the change (one experiment runs at a time).
/// </summary>
public sealed partial class RecommenderClient
{
    /// <summary>Creates an experiment (a draft, or running with <see cref="ExperimentSpec.Start"/>).</summary>
    /// <exception cref="RecommenderApiException">400 naming the refused field; 409 when the id exists, or when starting while another runs.</exception>
    public Task<Experiment> CreateExperimentAsync(ExperimentSpec experiment, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        return SendAsync<Experiment>(HttpMethod.Post, "api/v1/experiments", experiment, ct);
    }

    /// <summary>Every experiment, newest first.</summary>
    public Task<Experiment[]> ListExperimentsAsync(CancellationToken ct = default) =>
        SendAsync<Experiment[]>(HttpMethod.Get, "api/v1/experiments", null, ct);

    /// <summary>The experiment, or null when none has that id (404).</summary>
    public Task<Experiment?> GetExperimentAsync(string id, CancellationToken ct = default) =>
        SendOrNullOnNotFoundAsync<Experiment>($"api/v1/experiments/{Escape(id)}", ct);

    /// <summary>
    /// Per variant (and the holdout): users, impressions, attributed events, hit rate and conversion
    /// with always-valid intervals; each variant against the control; the decision; the series. Counts
    /// reach the results when each silo flushes its counters (once a second by default).
    /// </summary>
    /// <exception cref="RecommenderApiException">404 for an unknown experiment.</exception>
    public Task<ExperimentResults> GetExperimentResultsAsync(string id, CancellationToken ct = default) =>
        SendAsync<ExperimentResults>(HttpMethod.Get, $"api/v1/experiments/{Escape(id)}/results", null, ct);

    /// <summary>Starts a draft experiment: its users are bucketed into its variants from now on.</summary>
    /// <exception cref="RecommenderApiException">404 unknown; 409 not a draft, or another experiment runs.</exception>
    public Task<Experiment> StartExperimentAsync(string id, CancellationToken ct = default) =>
        SendAsync<Experiment>(HttpMethod.Post, $"api/v1/experiments/{Escape(id)}/start", null, ct);

    /// <summary>Stops a running experiment: everyone is served the default configuration again.</summary>
    /// <exception cref="RecommenderApiException">404 unknown; 409 not running.</exception>
    public Task<Experiment> StopExperimentAsync(string id, CancellationToken ct = default) =>
        SendAsync<Experiment>(HttpMethod.Post, $"api/v1/experiments/{Escape(id)}/stop", null, ct);

    /// <summary>
    /// Declares <paramref name="variant"/> the winner: the experiment stops (if running) and the
    /// variant's serving configuration becomes everyone's default (<see cref="GetServingDefaultAsync"/>).
    /// </summary>
    /// <exception cref="RecommenderApiException">400 naming <c>variant</c> when the experiment has no such variant; 404 unknown; 409 a draft.</exception>
    public Task<Experiment> DeclareWinnerAsync(string id, string variant, CancellationToken ct = default) =>
        SendAsync<Experiment>(HttpMethod.Post, $"api/v1/experiments/{Escape(id)}/winner", new WinnerBody(variant), ct);

    /// <summary>Deletes a draft or stopped experiment and its results; false when none has that id (404).</summary>
    /// <exception cref="RecommenderApiException">409 while it runs.</exception>
    public Task<bool> DeleteExperimentAsync(string id, CancellationToken ct = default) =>
        DeleteOrFalseAsync($"api/v1/experiments/{Escape(id)}", ct);

    /// <summary>What users outside an experiment are served: a declared winner's configuration, or the default one.</summary>
    public Task<ServingConfig> GetServingDefaultAsync(CancellationToken ct = default) =>
        SendAsync<ServingConfig>(HttpMethod.Get, "api/v1/serving", null, ct);

    /// <summary>
    /// The online metrics of the last <paramref name="window"/> (default 1 h; at least a minute, at most
    /// the server's retention, 24 h by default), per strategy, model version and experiment variant.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="window"/> is shorter than a minute.</exception>
    public Task<OnlineMetrics> GetOnlineMetricsAsync(TimeSpan? window = null, CancellationToken ct = default)
    {
        var query = new QueryBuilder().Add("window", window is { } w ? WindowText(w) : null);
        return SendAsync<OnlineMetrics>(HttpMethod.Get, $"api/v1/metrics/online{query}", null, ct);
    }

    /// <summary>The window as the API writes it: whole minutes ("90m"), else whole seconds rounded up.</summary>
    public static string WindowText(TimeSpan window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, TimeSpan.FromMinutes(1));
        return window.Ticks % TimeSpan.TicksPerMinute == 0
            ? ((long)window.TotalMinutes).ToString(CultureInfo.InvariantCulture) + "m"
            : ((long)Math.Ceiling(window.TotalSeconds)).ToString(CultureInfo.InvariantCulture) + "s";
    }

    private sealed record WinnerBody(string Variant);
}
