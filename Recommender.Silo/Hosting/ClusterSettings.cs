namespace Recommender.Silo.Hosting;

/// <summary>Cluster identity and silo endpoints, bound from configuration section <c>Cluster</c>.</summary>
public sealed class ClusterSettings
{
    public const string Section = "Cluster";

    /// <summary>Names the deployment; every storage key starts with it. Keep it stable across restarts.</summary>
    public string ServiceId { get; set; } = "recommender";
    public string ClusterId { get; set; } = "default";
    public int SiloPort { get; set; } = 11111;
    public int GatewayPort { get; set; } = 30000;
    /// <summary>
    /// The address the silo advertises (and listens on); loopback by default so nothing listens
    /// beyond this machine. An IP address, or a host name resolved once at start to its first IPv4
    /// address — in a container, its service name (e.g. <c>silo1</c>) gives the container's address.
    /// </summary>
    public string AdvertisedIp { get; set; } = "127.0.0.1";

    /// <summary>
    /// Sub-section bound onto Orleans' <c>ClusterMembershipOptions</c> with its own property names,
    /// e.g. <c>Cluster:Membership:ProbeTimeout=00:00:01</c>, <c>Cluster:Membership:NumMissedProbesLimit=2</c>
    /// (faster failure detection for tests). Nothing configured: Orleans' defaults.
    /// </summary>
    public const string MembershipSection = Section + ":Membership";

    /// <summary>
    /// Sub-section bound onto Orleans' messaging options (<c>SiloMessagingOptions</c> on silos,
    /// <c>ClientMessagingOptions</c> on the API in cluster mode), e.g. <c>Cluster:Messaging:ResponseTimeout=00:00:05</c>:
    /// how long a call to a grain on a silo that died without answering waits before it fails (Orleans' default: 30 s).
    /// </summary>
    public const string MessagingSection = Section + ":Messaging";

    /// <summary>The advertised address: <see cref="AdvertisedIp"/> as an IP, else resolved as a host name.</summary>
    public System.Net.IPAddress ResolveAdvertisedAddress()
    {
        if (System.Net.IPAddress.TryParse(AdvertisedIp, out var ip)) return ip;
        var addresses = System.Net.Dns.GetHostAddresses(AdvertisedIp);
        return addresses.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            ?? addresses.FirstOrDefault()
            ?? throw new InvalidOperationException($"Cluster:AdvertisedIp '{AdvertisedIp}' resolves to no address.");
    }
}
