namespace Recommender.AppHost.Redis;

/// <summary>
/// A <c>redis-server</c> process started by Aspire as an executable, for machines without a
/// container runtime. It is a connection-string resource like Aspire's <c>RedisResource</c>, so
/// <c>WithReference</c> and Orleans' <c>WithClustering</c> / <c>WithGrainStorage</c> treat both alike.
/// </summary>
public sealed class RedisServerResource(string name, string workingDirectory)
    : ExecutableResource(name, "redis-server", workingDirectory), IResourceWithConnectionString
{
    internal const string EndpointName = "tcp";

    private EndpointReference? _primaryEndpoint;

    /// <summary>The endpoint clients connect to (DCP's loopback proxy in front of the process).</summary>
    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, EndpointName);

    /// <summary><c>host:port</c>, the StackExchange.Redis form the projects read from <c>ConnectionStrings:&lt;name&gt;</c>.</summary>
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)}");
}
