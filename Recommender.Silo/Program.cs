using Recommender.Silo.Health;
using Recommender.Silo.Hosting;

// A standalone silo: joins the cluster through the Redis membership table and stores state in
// the same Redis. Its small HTTP endpoint only answers health probes and the metrics scrape
// (default 127.0.0.1:8081, change with --urls). No appsettings.json: defaults live in the options
// classes, so nothing clashes with the API's settings in the outputs of projects referencing both.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.UseSiloDefaults();
builder.AddRecommenderSilo(SiloClustering.Redis);
builder.AddRecommenderHealth();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
