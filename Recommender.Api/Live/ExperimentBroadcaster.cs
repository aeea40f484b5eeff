using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Recommender.Grains.Experiments;

namespace Recommender.Api.Live;

/// <summary>
/// Pushes the results of watched experiments to the hub's group <c>experiment:{id}</c> as
/// <c>experimentResults</c> — the page's Experiments tab charts them without polling. One reader per
/// web server (as GPSTracker has one hub observer per web server): every <see cref="Period"/> it asks
/// the experiments grain for the results of each experiment some connection here watches, and sends
/// them when they changed.
/// </summary>
public sealed class ExperimentBroadcaster(IHubContext<RecommendationsHub> hub, IGrainFactory grains, ILogger<ExperimentBroadcaster> logger) : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, HashSet<string>> _watching = new(StringComparer.Ordinal); // connection → experiment ids
    private readonly ConcurrentDictionary<string, string> _lastSent = new(StringComparer.Ordinal); // experiment → signature

    public static string Group(string experimentId) => "experiment:" + experimentId;

    public async Task<ExperimentResults?> WatchAsync(string connectionId, string experimentId)
    {
        var results = await grains.GetGrain<IExperimentsGrain>(ExperimentsGrain.Key).Results(experimentId);
        if (results is null) return null;
        await hub.Groups.AddToGroupAsync(connectionId, Group(experimentId));
        var ids = _watching.GetOrAdd(connectionId, _ => []);
        lock (ids) ids.Add(experimentId);
        return results;
    }

    public async Task UnwatchAsync(string connectionId, string experimentId)
    {
        await hub.Groups.RemoveFromGroupAsync(connectionId, Group(experimentId));
        if (_watching.TryGetValue(connectionId, out var ids)) lock (ids) ids.Remove(experimentId);
    }

    public void ConnectionClosed(string connectionId) => _watching.TryRemove(connectionId, out _);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await PushAsync(stoppingToken);
        }
        catch (OperationCanceledException) { }
    }

    private async Task PushAsync(CancellationToken ct)
    {
        var watched = new HashSet<string>(StringComparer.Ordinal);
        foreach (var ids in _watching.Values) lock (ids) watched.UnionWith(ids);
        foreach (var id in watched)
        {
            try
            {
                if (await grains.GetGrain<IExperimentsGrain>(ExperimentsGrain.Key).Results(id) is not { } results) continue;
                var signature = string.Join(';', results.Variants.Select(v => $"{v.Impressions},{v.Events},{v.Hits},{v.Conversions},{v.Users}")) + results.Experiment.Status + results.Experiment.Winner;
                if (_lastSent.TryGetValue(id, out var last) && last == signature) continue;
                _lastSent[id] = signature;
                await hub.Clients.Group(Group(id)).SendAsync("experimentResults", results, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Pushing the results of experiment {Experiment} failed: {Message}", id, e.Message);
            }
        }
    }
}
