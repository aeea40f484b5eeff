using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Recommender.Api.Hosting;
using Recommender.Silo.Storage;

namespace Recommender.Tests.Infrastructure;

/// <summary>
/// The API hosted in this process on a real Kestrel socket, wired exactly as <c>Program.cs</c> wires
/// it (local mode: a co-hosted silo and an embedded Garnet in a temporary folder), on free loopback
/// ports. Unlike <see cref="ApiProcess"/> it exposes <see cref="Services"/>, and it starts faster.
/// </summary>
public sealed class ApiServer : IAsyncDisposable
{
    private readonly TempDirectory _dir;
    private readonly WebApplication _app;

    public Uri BaseAddress { get; }
    public HttpClient HttpClient { get; }
    public IServiceProvider Services => _app.Services;
    public string DataDir => _dir.Path;

    private ApiServer(TempDirectory dir, WebApplication app, Uri baseAddress)
    {
        _dir = dir;
        _app = app;
        BaseAddress = baseAddress;
        HttpClient = CreateClient();
    }

    /// <summary>A new client of this server (the shared <see cref="HttpClient"/> is enough for most tests).</summary>
    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

    /// <param name="settings">Extra configuration (<c>Section:Key</c> → value), applied after the defaults.</param>
    /// <param name="environment">The host environment; Development by default, as a developer runs it.</param>
    /// <param name="configure">Runs on the builder before the host is built (e.g. a logger provider that must see the start).</param>
    public static async Task<ApiServer> StartAsync(IDictionary<string, string>? settings = null, string environment = "Development", Action<WebApplicationBuilder>? configure = null)
    {
        var dir = new TempDirectory();
        try
        {
            var port = EmbeddedGarnet.FreeLoopbackPort();
            var baseAddress = new Uri($"http://127.0.0.1:{port}");
            var values = new Dictionary<string, string>
            {
                ["urls"] = baseAddress.ToString().TrimEnd('/'),
                ["Storage:DataDir"] = Path.Combine(dir.Path, "store"),
                ["Storage:GarnetPort"] = EmbeddedGarnet.FreeLoopbackPort().ToString(),
                ["Cluster:SiloPort"] = EmbeddedGarnet.FreeLoopbackPort().ToString(),
                ["Cluster:GatewayPort"] = EmbeddedGarnet.FreeLoopbackPort().ToString(),
                ["Recommender:SeedDemoCatalog"] = "false",
                // Tests read the item index right after writing: publish item changes quickly.
                ["Recommender:ItemPublishInterval"] = "00:00:00.050",
                ["Logging:LogLevel:Default"] = "Warning",
            };
            foreach (var (key, value) in settings ?? new Dictionary<string, string>()) values[key] = value;

            var builder = WebApplication.CreateBuilder(new WebApplicationOptions
            {
                Args = [.. values.Select(p => $"--{p.Key}={p.Value}")],
                ContentRootPath = dir.Path,
                EnvironmentName = environment,
                ApplicationName = typeof(ApiExtensions).Assembly.GetName().Name,
            });
            // The simulator page: the API's wwwroot through its static web assets manifest (beside the
            // test assembly), which the host reads by itself only in Development.
            if (!builder.Environment.IsDevelopment()) builder.WebHost.UseStaticWebAssets();
            // Exactly Program.cs.
            builder.AddServiceDefaults();
            builder.AddRecommenderBackend();
            builder.AddRecommenderApi();
            configure?.Invoke(builder);
            var app = builder.Build();
            app.MapDefaultEndpoints();
            app.MapRecommenderApi();
            await app.StartAsync();
            return new ApiServer(dir, app, baseAddress);
        }
        catch
        {
            dir.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        HttpClient.Dispose();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _app.StopAsync(timeout.Token);
        }
        finally
        {
            await _app.DisposeAsync();
            _dir.Dispose();
        }
    }
}

/// <summary>One <see cref="ApiServer"/> shared by the API tests of <see cref="ApiServerCollection"/>.</summary>
public sealed class ApiServerFixture : IAsyncLifetime
{
    private ApiServer? _server;

    public ApiServer Server => _server ?? throw new InvalidOperationException("The API server has not started.");
    public HttpClient Http => Server.HttpClient;

    public async Task InitializeAsync() => _server = await ApiServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}

/// <summary>
/// API tests that share one server. They must not interfere: each uses its own user, item and
/// category ids (see <c>Api/Ids</c>), so the catalog and users of one test are invisible to another.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ApiServerCollection : ICollectionFixture<ApiServerFixture>
{
    public const string Name = "api server";
}
