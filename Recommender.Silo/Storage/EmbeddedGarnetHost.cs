using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Recommender.Silo.Storage;

/// <summary>
/// Starts the embedded Garnet when the host starts and stops it once the host has stopped. Both in
/// the lifecycle's outer steps: <see cref="StartingAsync"/> runs before any hosted service's
/// <c>StartAsync</c> — Orleans' silo, the telemetry provider that connects its Redis instrumentation,
/// the item index's loader — whatever order they were registered in, and <see cref="StoppedAsync"/>
/// after every <c>StopAsync</c>, so the silo's last grain-state writes land before the store goes.
/// (It used to start while services were being registered: a host built and never run still held
/// a listening server and its data directory.)
/// </summary>
public sealed class EmbeddedGarnetHost(EmbeddedGarnet garnet, ILoggerFactory loggerFactory) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        garnet.Start(loggerFactory);
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        garnet.Dispose();
        return Task.CompletedTask;
    }
}
