using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

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
public sealed class EmbeddedGarnetHost(EmbeddedGarnet garnet, ILoggerFactory loggerFactory, IServiceProvider services) : IHostedLifecycleService
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

    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        // The service's own connection closes first: a clean stop then logs no "Redis connection lost".
        if (services.GetService<IConnectionMultiplexer>() is { } redis) await redis.CloseAsync();
        garnet.Dispose();
    }
}
