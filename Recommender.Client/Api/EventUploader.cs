using System.Net;

namespace Recommender.Client.Api;

/// <summary>
/// Streams events to <c>POST /api/v1/events</c> in batches with a few requests in flight. A batch that
/// fails with a transport error, 429 or 5xx is retried (safe when events carry an <c>eventId</c>).
/// </summary>
/// <param name="client">The client that posts the batches.</param>
/// <param name="batchSize">Events per request (the service takes at most 10,000).</param>
/// <param name="maxInFlight">Requests in flight at once.</param>
/// <param name="maxRetries">Retries of a batch after a transient failure, with exponential back-off from 250 ms.</param>
public sealed class EventUploader(RecommenderClient client, int batchSize = 1000, int maxInFlight = 4, int maxRetries = 4)
{
    /// <summary>Called after each acknowledged batch with the number of events in it.</summary>
    public Action<int>? BatchDone { get; init; }

    /// <summary>Uploads every event; returns the summed answers once all batches are acknowledged.</summary>
    public async Task<EventsAccepted> UploadAsync(IEnumerable<InteractionEvent> events, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxInFlight, 1);
        using var gate = new SemaphoreSlim(maxInFlight);
        var inFlight = new List<Task<EventsAccepted>>();
        long accepted = 0, duplicates = 0;

        foreach (var chunk in events.Chunk(batchSize))
        {
            await gate.WaitAsync(ct).ConfigureAwait(false);
            // Ids before the first attempt, so every retry resends the same ones and the server skips what landed.
            var batch = client.AssignEventIds ? InteractionEvent.WithEventIds(chunk) : chunk;
            inFlight.Add(SendAsync(batch, gate, ct));

            // Collect finished batches so failures surface early and the list stays short.
            for (var i = inFlight.Count - 1; i >= 0; i--)
            {
                if (inFlight[i].IsCompleted)
                {
                    var done = await inFlight[i].ConfigureAwait(false);
                    accepted += done.Accepted;
                    duplicates += done.Duplicates;
                    inFlight.RemoveAt(i);
                }
            }
        }

        foreach (var done in await Task.WhenAll(inFlight).ConfigureAwait(false))
        {
            accepted += done.Accepted;
            duplicates += done.Duplicates;
        }

        return new EventsAccepted((int)accepted, (int)duplicates);
    }

    private async Task<EventsAccepted> SendAsync(IReadOnlyCollection<InteractionEvent> batch, SemaphoreSlim gate, CancellationToken ct)
    {
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    var result = await client.PostEventsAsync(batch, ct).ConfigureAwait(false);
                    BatchDone?.Invoke(batch.Count);
                    return result;
                }
                catch (Exception ex) when (attempt < maxRetries && IsTransient(ex) && !ct.IsCancellationRequested)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(250 * (1 << attempt)), ct).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            gate.Release();
        }
    }

    private static bool IsTransient(Exception ex) => ex switch
    {
        HttpRequestException => true,
        RecommenderApiException api => api.StatusCode == HttpStatusCode.TooManyRequests || (int)api.StatusCode >= 500,
        _ => false,
    };
}
