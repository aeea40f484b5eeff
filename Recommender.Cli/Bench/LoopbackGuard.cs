using System.Net;

namespace Recommender.Client.Bench;

/// <summary>The bench only loads this machine: 127.0.0.0/8, ::1 or localhost. No name resolution is done.</summary>
public static class LoopbackGuard
{
    public static bool IsLoopback(Uri url)
    {
        var host = url.Host.Trim('[', ']').TrimEnd('.');
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address);
    }
}
