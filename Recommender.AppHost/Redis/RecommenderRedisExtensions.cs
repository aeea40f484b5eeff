using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Recommender.AppHost.Redis;

public static class RecommenderRedisExtensions
{
    /// <summary>Configuration key choosing the store: <c>auto</c> (default), <c>container</c> or <c>executable</c>.</summary>
    public const string RuntimeKey = "Redis:Runtime";

    /// <summary>
    /// The cluster's Redis 7: Aspire's Redis container when a container engine answers, else a
    /// <c>redis-server</c> process on a loopback port (no persistence, like the container without a
    /// data volume: each run starts from an empty store, which the silos then seed).
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddRecommenderRedis(this IDistributedApplicationBuilder builder, string name)
    {
        var runtime = builder.Configuration[RuntimeKey] ?? "auto";
        var useContainer = runtime.ToLowerInvariant() switch
        {
            "container" => true,
            "executable" => false,
            "auto" => ContainerRuntime.Find(builder.Configuration["ASPIRE_CONTAINER_RUNTIME"]) is not null,
            _ => throw new InvalidOperationException($"{RuntimeKey} must be auto, container or executable, not '{runtime}'."),
        };
        if (useContainer)
        {
            // Aspire's own resource: image, password, health check. Its connection string carries the password.
            return builder.AddRedis(name);
        }
        return builder.AddRedisServer(name);
    }

    /// <summary><c>redis-server</c> as an executable resource bound to 127.0.0.1, health-checked by <c>PING</c>.</summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddRedisServer(this IDistributedApplicationBuilder builder, string name)
    {
        var resource = new RedisServerResource(name, builder.AppHostDirectory);
        var healthCheckKey = $"{name}_ping";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(healthCheckKey, _ => new RedisPingHealthCheck(resource), failureStatus: null, tags: null));
        return builder.AddResource(resource)
            // Proxied: DCP listens on the endpoint's port and forwards to the target port the process binds.
            .WithEndpoint(RedisServerResource.EndpointName, e => { e.UriScheme = "tcp"; e.Transport = "tcp"; })
            .WithArgs(context =>
            {
                context.Args.Add("--bind");
                context.Args.Add("127.0.0.1");
                context.Args.Add("--port");
                context.Args.Add(resource.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
                // A dev store: nothing on disk (no RDB snapshots, no AOF), nothing left behind by a run.
                context.Args.Add("--save");
                context.Args.Add("");
                context.Args.Add("--appendonly");
                context.Args.Add("no");
                context.Args.Add("--protected-mode");
                context.Args.Add("yes");
            })
            .WithHealthCheck(healthCheckKey)
            // Orleans names providers by the resource's type ("RedisServer" here); the protocol is Redis's.
            .WithOrleansProviderType("Redis");
    }
}
