using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Recommender.AppHost.Redis;

/// <summary>
/// Healthy once the server answers <c>PING</c> with <c>+PONG</c> over RESP: "the process started"
/// is not "Redis accepts commands", and the silos' <c>WaitFor</c> should wait for the latter.
/// </summary>
internal sealed class RedisPingHealthCheck(RedisServerResource resource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!resource.PrimaryEndpoint.IsAllocated) return HealthCheckResult.Unhealthy("The endpoint is not allocated yet.");
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            using var client = new TcpClient();
            await client.ConnectAsync(resource.PrimaryEndpoint.Host, resource.PrimaryEndpoint.Port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token);
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer, timeout.Token);
            var answer = Encoding.ASCII.GetString(buffer, 0, read);
            return answer.StartsWith("+PONG", StringComparison.Ordinal)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"PING answered '{answer.Trim()}'.");
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("redis-server does not answer PING.", e);
        }
    }
}
