using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Recommender.Grains.Storage;

/// <summary>
/// This process's count of appended events and online hits, flushed to the cluster-wide Redis
/// counters once a second (one command, instead of one per append on the hot path). The counters
/// only feed the retraining rules and the model status: a crash loses at most a second of counts,
/// never an event.
/// </summary>
public sealed class EventCounters(EventLog log, ILogger<EventCounters> logger) : BackgroundService
{
    private long _events, _hits;

    public void Add(int events, int hits)
    {
        Interlocked.Add(ref _events, events);
        if (hits > 0) Interlocked.Add(ref _hits, hits);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await FlushAsync();
        }
        catch (OperationCanceledException) { }
        await FlushAsync();
    }

    public async Task FlushAsync()
    {
        var events = Interlocked.Exchange(ref _events, 0);
        var hits = Interlocked.Exchange(ref _hits, 0);
        if (events == 0 && hits == 0) return;
        try
        {
            await log.AddCountersAsync(events, hits);
        }
        catch (Exception e)
        {
            // Put them back; the next tick retries.
            Interlocked.Add(ref _events, events);
            Interlocked.Add(ref _hits, hits);
            logger.LogWarning("Flushing event counters failed: {Message}", e.Message);
        }
    }
}
