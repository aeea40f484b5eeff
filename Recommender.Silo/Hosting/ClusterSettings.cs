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
    /// <summary>The address the silo advertises; loopback by default so nothing listens beyond this machine.</summary>
    public string AdvertisedIp { get; set; } = "127.0.0.1";
}
