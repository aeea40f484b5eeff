using Recommender.AppHost;
using Recommender.AppHost.Redis;

// The deployed shape of the recommender under Aspire: Redis 7, two silos forming a cluster through
// it, and the API as an Orleans client of them, with the Aspire dashboard. Orleans' settings reach
// the projects by Aspire's conventions (Orleans__ClusterId, Orleans__Clustering__*,
// Orleans__GrainStorage__*, Orleans__Endpoints__*, ConnectionStrings__redis); see docs/ARCHITECTURE.md.
var builder = DistributedApplication.CreateBuilder(args);

// Named "redis" so ConnectionStrings:redis is the key every project already reads.
var redis = builder.AddRecommenderRedis("redis");

// The grains' storage provider is "recommender" (StorageNames.Grains); the silos add their own
// serializer to the provider Aspire's settings declare.
var orleans = builder.AddOrleans("cluster")
    .WithServiceId(builder.Configuration["Cluster:ServiceId"] ?? "recommender")
    .WithClusterId(builder.Configuration["Cluster:ClusterId"] ?? "aspire")
    .WithClustering(redis)
    .WithGrainStorage("recommender", redis);

var silos = new[] { "silo1", "silo2" }.Select(name => builder.AddProject<Projects.Recommender_Silo>(name)
    .WithReference(orleans)
    .WaitFor(redis)
    .WithHostEnvironment(builder)
    .WithLoopbackHttpEndpoint()
    .WithHttpHealthCheck("/health/ready")
    // Every silo may seed: the first to claim the store's seed key does, once per store.
    .WithEnvironment("Recommender__SeedDemoCatalog", builder.Configuration["Recommender:SeedDemoCatalog"] ?? "true")).ToArray();

var api = builder.AddProject<Projects.Recommender_Api>("api", launchProfileName: null)
    .WithReference(orleans.AsClient())
    .WithReference(redis)
    .WithEnvironment("Recommender__Mode", "Cluster")
    .WithHostEnvironment(builder)
    .WithLoopbackHttpEndpoint()
    .WithHttpHealthCheck("/health/ready");
foreach (var silo in silos) api.WaitFor(silo);

builder.Build().Run();
