using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;

namespace Recommender.Tests.Infrastructure;

/// <summary>
/// Makes another .NET process run a full blocking collection, through its diagnostics port: an
/// EventPipe session on the runtime provider with the GCHeapCollect keyword induces one (as
/// dotnet-gcdump does before it walks the heap). Afterwards the process's "heap size after the
/// last collection" counts live objects only — under the server GC, gen2 otherwise holds
/// garbage promoted since its last background collection, tens of MB that come and go.
/// </summary>
public static class InducedCollection
{
    private const long GCHeapCollectKeyword = 0x800000;

    /// <summary>Starts the collection and waits until <paramref name="fullCollections"/> (the process's gen2 count) has moved past its value before.</summary>
    public static async Task RunAsync(int processId, Func<Task<long>> fullCollections, TimeSpan timeout)
    {
        var before = await fullCollections();
        var client = new DiagnosticsClient(processId);
        using var session = client.StartEventPipeSession(
            new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, GCHeapCollectKeyword),
            requestRundown: false);
        var drain = session.EventStream.CopyToAsync(Stream.Null); // an unread session would stall its writer
        try
        {
            var deadline = DateTime.UtcNow + timeout;
            while (await fullCollections() <= before)
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"no full collection in process {processId} within {timeout}");
                await Task.Delay(100);
            }
        }
        finally
        {
            await session.StopAsync(CancellationToken.None);
            await drain;
        }
    }
}
