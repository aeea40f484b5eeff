using System.Net.Http.Headers;
using Recommender.Tests.Infrastructure;

namespace Recommender.Tests.Security;

/// <summary>The API as deployed: the Production environment with three keys (read, write, admin).</summary>
public class SecuredServer : IAsyncLifetime
{
    public const string ReadKey = "reader-key-5f1c0d9e2b7a4c38";
    public const string WriteKey = "writer-key-8e3b6a1d0c9f4e27";
    public const string AdminKey = "admin-key-2d7f9c4b1a6e8035";
    public const string AllowedOrigin = "https://shop.example";

    private ApiServer? _server;
    public ApiServer Server => _server ?? throw new InvalidOperationException("not started");

    protected virtual IDictionary<string, string> ExtraSettings => new Dictionary<string, string>();

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string>
        {
            ["Security:ApiKeys:0:Name"] = "dashboard-reader",
            ["Security:ApiKeys:0:Key"] = ReadKey,
            ["Security:ApiKeys:0:Scopes:0"] = "read",
            ["Security:ApiKeys:1:Name"] = "event-writer",
            ["Security:ApiKeys:1:Key"] = WriteKey,
            ["Security:ApiKeys:1:Scopes:0"] = "write",
            ["Security:ApiKeys:2:Name"] = "operator",
            ["Security:ApiKeys:2:Key"] = AdminKey,
            ["Security:ApiKeys:2:Scopes:0"] = "admin",
            ["Security:CorsOrigins:0"] = AllowedOrigin,
            // No retrain of its own during the tests.
            ["Model:DriftCheckPeriod"] = "01:00:00",
        };
        foreach (var (key, value) in ExtraSettings) settings[key] = value;
        _server = await ApiServer.StartAsync(settings, environment: "Production");
    }

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }

    /// <summary>A client that sends <paramref name="key"/> as X-Api-Key (none when null).</summary>
    public HttpClient Client(string? key)
    {
        var http = Server.CreateClient();
        if (key is not null) http.DefaultRequestHeaders.Add("X-Api-Key", key);
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return http;
    }
}

/// <summary>Tiny rate limits (per minute) and anonymous reads allowed.</summary>
public sealed class LimitedServer : SecuredServer
{
    public const int PermitLimit = 5;
    public const int AnonymousPermitLimit = 3;

    protected override IDictionary<string, string> ExtraSettings => new Dictionary<string, string>
    {
        ["Security:AllowAnonymousReads"] = "true",
        ["Security:RateLimit:Window"] = "00:01:00",
        ["Security:RateLimit:PermitLimit"] = PermitLimit.ToString(),
        ["Security:RateLimit:AnonymousPermitLimit"] = AnonymousPermitLimit.ToString(),
        ["Security:ApiKeys:2:PermitLimit"] = "1000",
    };
}
