using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Recommender.Client.Api;

/// <summary>
/// Client of the SignalR hub <c>/hubs/recommendations</c>. Reconnects automatically; since group
/// membership belongs to a connection, every watched user is watched again after a reconnect and
/// the ranking that <c>Watch</c> returns is delivered like a push (with an empty diff); likewise every
/// watched experiment, whose current results then arrive through <see cref="ExperimentResultsReceived"/>.
/// </summary>
public sealed class RecommendationsHubClient : IAsyncDisposable
{
    /// <summary>The hub's path under the service root.</summary>
    public const string HubPath = "hubs/recommendations";

    private readonly HubConnection _connection;
    private readonly ConcurrentDictionary<string, (int K, FilterSpec? Filter)> _watched = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _watchedExperiments = new(StringComparer.Ordinal);
    private readonly Channel<RankingChanged> _rankings = Channel.CreateUnbounded<RankingChanged>(
        new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });

    /// <summary>A client of the hub at <paramref name="baseUrl"/>; the key goes in <c>X-Api-Key</c>. Not connected until <see cref="ConnectAsync"/>.</summary>
    public RecommendationsHubClient(Uri baseUrl, string? apiKey = null)
    {
        var hubUrl = new Uri(new Uri(baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl.AbsoluteUri : baseUrl.AbsoluteUri + "/"), HubPath);
        _connection = new HubConnectionBuilder()
            .WithUrl(hubUrl, options =>
            {
                if (!string.IsNullOrEmpty(apiKey))
                {
                    options.Headers[RecommenderClient.ApiKeyHeader] = apiKey;
                }
            })
            .WithAutomaticReconnect(new ForeverRetryPolicy())
            .AddJsonProtocol(o =>
            {
                foreach (var converter in RecommenderJson.Options.Converters)
                {
                    o.PayloadSerializerOptions.Converters.Add(converter);
                }
            })
            .Build();

        _connection.On<RankingChanged>("rankingChanged", Publish);
        _connection.On<ExperimentResults>("experimentResults", results => ExperimentResultsReceived?.Invoke(results));
        _connection.Reconnecting += error =>
        {
            Reconnecting?.Invoke(error);
            return Task.CompletedTask;
        };
        _connection.Reconnected += OnReconnectedAsync;
        _connection.Closed += error =>
        {
            // Closed for good (the retry policy never gives up, so: stopped, or the server said not to
            // reconnect): end ReadRankingsAsync rather than leave its reader waiting for nothing.
            _rankings.Writer.TryComplete();
            Closed?.Invoke(error);
            return Task.CompletedTask;
        };
    }

    /// <summary>Raised for every pushed ranking (and for the re-watch answers after a reconnect).</summary>
    public event Action<RankingChanged>? RankingChanged;

    /// <summary>
    /// Raised for every <c>experimentResults</c> push of a watched experiment (the server checks every
    /// 2 s and sends the results when they changed), and with the current results after a reconnect.
    /// </summary>
    public event Action<ExperimentResults>? ExperimentResultsReceived;

    /// <summary>The connection was lost; it is being re-established (forever, with back-off).</summary>
    public event Action<Exception?>? Reconnecting;

    /// <summary>Connected again (with the new connection id); every watch has been renewed.</summary>
    public event Action<string?>? Reconnected;

    /// <summary>Closed for good: stopped, or the server said not to reconnect.</summary>
    public event Action<Exception?>? Closed;

    /// <summary>The SignalR connection's state.</summary>
    public HubConnectionState State => _connection.State;

    /// <summary>How long <see cref="DisposeAsync"/> waits for the connection to close before giving up on it.</summary>
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Connects, retrying connection failures for up to <paramref name="timeout"/> (default 10 s); an HTTP
    /// error status (e.g. 404: no hub at that address) is not retried. Cancelling ends it with an
    /// <see cref="OperationCanceledException"/> whatever the phase: SignalR reports a cancelled transport
    /// start as "Unable to connect … with any of the available transports", which is not one.
    /// </summary>
    public async Task ConnectAsync(TimeSpan? timeout = null, CancellationToken ct = default)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            try
            {
                await _connection.StartAsync(ct).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException && ct.IsCancellationRequested)
            {
                throw new OperationCanceledException("Connecting was cancelled.", ex, ct);
            }
            catch (HttpRequestException ex) when (ex.StatusCode is null && DateTime.UtcNow < deadline)
            {
                await Task.Delay(500, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Joins the user's group; returns the current ranking (empty diff).</summary>
    public async Task<RankingChanged> WatchAsync(string userId, int k = 10, CancellationToken ct = default)
    {
        var current = await _connection.InvokeAsync<RankingChanged>("Watch", userId, k, ct).ConfigureAwait(false);
        _watched[userId] = (k, null);
        return current;
    }

    /// <summary>
    /// Watches the user's ranking under a filter (hub method <c>WatchFiltered</c>): every push is ranked
    /// under it. A second watch of the same user replaces the first. An invalid filter is a
    /// <see cref="HubException"/> naming the field, the position and the reason.
    /// </summary>
    public async Task<RankingChanged> WatchAsync(string userId, int k, FilterSpec? filter, CancellationToken ct = default)
    {
        if (filter is null || filter.IsEmpty) return await WatchAsync(userId, k, ct).ConfigureAwait(false);
        var current = await _connection.InvokeAsync<RankingChanged>("WatchFiltered", userId, k, Argument(filter), ct).ConfigureAwait(false);
        _watched[userId] = (k, filter);
        return current;
    }

    /// <summary>WatchFiltered's filter argument: { filter, filterName, params } (params as JSON values where they parse, else text).</summary>
    private static System.Text.Json.Nodes.JsonObject Argument(FilterSpec filter)
    {
        var parameters = new System.Text.Json.Nodes.JsonObject();
        foreach (var (name, text) in filter.Parameters ?? new Dictionary<string, string>())
        {
            System.Text.Json.Nodes.JsonNode? value;
            try
            {
                value = System.Text.Json.Nodes.JsonNode.Parse(text);
            }
            catch (System.Text.Json.JsonException)
            {
                value = System.Text.Json.Nodes.JsonValue.Create(text);
            }

            parameters[name] = value;
        }

        return new System.Text.Json.Nodes.JsonObject { ["filter"] = filter.Filter, ["filterName"] = filter.FilterName, ["params"] = parameters };
    }

    /// <summary>Leaves the user's group: no more pushes for that user.</summary>
    public async Task UnwatchAsync(string userId, CancellationToken ct = default)
    {
        _watched.TryRemove(userId, out _);
        await _connection.InvokeAsync("Unwatch", userId, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Joins the experiment's results (hub method <c>WatchExperiment</c>): returns them now; from then
    /// on <see cref="ExperimentResultsReceived"/> is raised each time they change. An unknown or
    /// invalid id is a <see cref="HubException"/> naming <c>experimentId</c>.
    /// </summary>
    public async Task<ExperimentResults> WatchExperimentAsync(string experimentId, CancellationToken ct = default)
    {
        var current = await _connection.InvokeAsync<ExperimentResults>("WatchExperiment", experimentId, ct).ConfigureAwait(false);
        _watchedExperiments[experimentId] = 0;
        return current;
    }

    /// <summary>Leaves the experiment's results: no more pushes of it.</summary>
    public async Task UnwatchExperimentAsync(string experimentId, CancellationToken ct = default)
    {
        _watchedExperiments.TryRemove(experimentId, out _);
        await _connection.InvokeAsync("UnwatchExperiment", experimentId, ct).ConfigureAwait(false);
    }

    /// <summary>Every ranking pushed from now on, until cancelled, disposed or the connection is closed for good.</summary>
    public async IAsyncEnumerable<RankingChanged> ReadRankingsAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var ranking in _rankings.Reader.ReadAllAsync(ct).ConfigureAwait(false))
        {
            yield return ranking;
        }
    }

    /// <summary>
    /// Stops the connection (a reconnect in progress included), waiting at most <see cref="StopTimeout"/>:
    /// a server that no longer answers must not keep a stopping client alive.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        _rankings.Writer.TryComplete();
        try
        {
            await _connection.DisposeAsync().AsTask().WaitAsync(StopTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Abandoned: its sockets go with the process.
        }
    }

    private void Publish(RankingChanged ranking)
    {
        _rankings.Writer.TryWrite(ranking);
        RankingChanged?.Invoke(ranking);
    }

    private async Task OnReconnectedAsync(string? connectionId)
    {
        Reconnected?.Invoke(connectionId);
        foreach (var (userId, (k, filter)) in _watched)
        {
            try
            {
                Publish(filter is null
                    ? await _connection.InvokeAsync<RankingChanged>("Watch", userId, k).ConfigureAwait(false)
                    : await _connection.InvokeAsync<RankingChanged>("WatchFiltered", userId, k, Argument(filter)).ConfigureAwait(false));
            }
            catch (Exception ex) when (ex is HubException or InvalidOperationException or IOException)
            {
                // The connection dropped again; the next Reconnected re-watches.
            }
        }

        foreach (var experimentId in _watchedExperiments.Keys)
        {
            try
            {
                var results = await _connection.InvokeAsync<ExperimentResults>("WatchExperiment", experimentId).ConfigureAwait(false);
                ExperimentResultsReceived?.Invoke(results);
            }
            catch (HubException)
            {
                // Deleted meanwhile: nothing left to watch.
                _watchedExperiments.TryRemove(experimentId, out _);
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException)
            {
                // The connection dropped again; the next Reconnected re-watches.
            }
        }
    }

    /// <summary>0 s, 1 s, 2 s, 5 s, then every 10 s, forever (the default policy gives up after 4 tries).</summary>
    private sealed class ForeverRetryPolicy : IRetryPolicy
    {
        private static readonly TimeSpan[] Delays =
            [TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)];

        public TimeSpan? NextRetryDelay(RetryContext retryContext) =>
            retryContext.PreviousRetryCount < Delays.Length
                ? Delays[retryContext.PreviousRetryCount]
                : TimeSpan.FromSeconds(10);
    }
}
