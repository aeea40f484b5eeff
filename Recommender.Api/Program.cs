using Recommender.Api.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddRecommenderBackend();
builder.AddRecommenderApi();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapRecommenderApi();
app.Run();

/// <summary>Entry point, visible to the tests' host.</summary>
public partial class Program;
