using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using Recommender.Tests.Infrastructure;

namespace Recommender.Tests.Packaging;

/// <summary>
/// The two packages as `dotnet pack` makes them (Recommender.Client, the SDK; Recommender.Cli, the reco tool),
/// in a folder under the system's temp directory — outside the repository, so its Directory.Build.props and
/// central package management do not reach what is built there — with a nuget.config naming that folder and
/// the machine's usual sources; and a running API (Production, keys required) with a small catalogue.
/// </summary>
/// <remarks>
/// Each run packs a version of its own (1.0.0-test.…) and restores into a packages folder of its own, with the
/// user's folder as a fallback for everything else (SignalR, Polly: already restored by the repository's build,
/// so nothing is downloaded twice): a package from an earlier run can never be the one tested, and nothing of
/// it is left in the user's NuGet folder.
/// </remarks>
public sealed class PackagedClientFixture : IAsyncLifetime
{
    public const string ReadWriteKey = "sdk-test-key-4b8e1f27c9d3a605";

    /// <summary>Restores may download; builds are slow on a busy machine: generous, but bounded.</summary>
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(6);

    private readonly TempDirectory _root = new();

    public string Root => _root.Path;
    public string Feed => Path.Combine(Root, "feed");
    /// <summary>The version Package.props gives the packages (what the assemblies carry).</summary>
    public static string VersionPrefix { get; } = System.Xml.Linq.XDocument.Load(Path.Combine(RepositoryRoot(), "Package.props"))
        .Descendants("VersionPrefix").Single().Value;

    public string Version { get; } = $"{VersionPrefix}-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{System.Environment.ProcessId}";
    public ApiServer Server { get; private set; } = null!;
    public string Url => Server.BaseAddress.ToString().TrimEnd('/');
    public string PackOutput { get; private set; } = "";

    /// <summary>What every dotnet child process gets: its own packages folder.</summary>
    public IDictionary<string, string?> Environment => new Dictionary<string, string?>
    {
        ["NUGET_PACKAGES"] = Path.Combine(Root, "nuget-packages"),
    };

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Feed);
        var repo = RepositoryRoot();
        // --no-build: the test project references both projects, so their build in this configuration is the
        // one that was just tested; packing it again is what a release would publish.
        var log = new System.Text.StringBuilder();
        foreach (var project in new[] { "Recommender.Client", "Recommender.Cli" })
        {
            log.Append(await DotnetCli.SucceedAsync(DotnetCli.Muxer, repo, CommandTimeout, null,
                "pack", Path.Combine(repo, project, project + ".csproj"), "--no-build", "-c", Configuration, "-o", Feed, $"-p:Version={Version}"));
        }

        PackOutput = log.ToString();
        var userPackages = System.Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p
            ? p
            : Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        await File.WriteAllTextAsync(Path.Combine(Root, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="reco-packed" value="{Feed}" />
              </packageSources>
              <fallbackPackageFolders>
                <add key="user-packages" value="{userPackages}" />
              </fallbackPackageFolders>
            </configuration>
            """);

        Server = await ApiServer.StartAsync(new Dictionary<string, string>
        {
            ["Security:ApiKeys:0:Name"] = "sdk-test",
            ["Security:ApiKeys:0:Key"] = ReadWriteKey,
            ["Security:ApiKeys:0:Scopes:0"] = "read",
            ["Security:ApiKeys:0:Scopes:1"] = "write",
            ["Model:DriftCheckPeriod"] = "01:00:00",
        }, environment: "Production");
        using var http = Server.CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", ReadWriteKey);
        var items = Enumerable.Range(1, 40).Select(i => new
        {
            itemId = $"pk-{i:D2}",
            title = $"Packed thing {i}",
            categories = new[] { i % 2 == 0 ? "Even" : "Odd" },
        });
        (await http.PostAsJsonAsync("/api/v1/items", items)).EnsureSuccessStatusCode();
        // A little popularity, so a fresh user's list is not a tie.
        var events = Enumerable.Range(0, 30).Select(i => new { userId = $"crowd-{i % 6}", itemId = $"pk-{1 + i % 9:D2}", type = "view" });
        (await http.PostAsJsonAsync("/api/v1/events", events)).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        if (Server is not null) await Server.DisposeAsync();
        _root.Dispose();
    }

    /// <summary>The configuration this test assembly was built in (and so its referenced projects).</summary>
    public static string Configuration =>
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    private static string RepositoryRoot([CallerFilePath] string sourceFile = "")
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile), Directory.GetCurrentDirectory() })
        {
            for (var dir = string.IsNullOrEmpty(start) ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Recommender.sln"))) return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Recommender.sln was not found above {AppContext.BaseDirectory} nor above {sourceFile}.");
    }
}
