using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit.Abstractions;

namespace Recommender.Tests.Packaging;

/// <summary>
/// The packed SDK and the packed tool, used as an outsider would: a new console app in a temporary folder
/// references the Recommender.Client package and talks to a running server; <c>dotnet tool install</c> puts
/// <c>reco</c> in a folder and its <c>demo</c> runs against the same server.
/// </summary>
public sealed class PackagedClientTests(PackagedClientFixture fixture, ITestOutputHelper log) : IClassFixture<PackagedClientFixture>
{
    [Fact]
    public void The_SDK_package_carries_readme_docs_symbols_and_only_the_public_contract()
    {
        var nupkg = Path.Combine(fixture.Feed, $"Recommender.Client.{fixture.Version}.nupkg");
        Assert.True(File.Exists(nupkg), $"{nupkg} is missing:\n{fixture.PackOutput}");
        Assert.True(File.Exists(Path.ChangeExtension(nupkg, ".snupkg")), "no symbol package (.snupkg) beside it");

        using var zip = ZipFile.OpenRead(nupkg);
        var entries = zip.Entries.Select(e => e.FullName).ToHashSet();
        log.WriteLine(string.Join('\n', entries.Order()));
        Assert.Contains("README.md", entries);
        Assert.Contains("lib/net10.0/Recommender.Client.dll", entries);
        Assert.Contains("lib/net10.0/Recommender.Client.xml", entries); // the XML docs

        var nuspec = XDocument.Load(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        XNamespace ns = nuspec.Root!.Name.NamespaceName;
        var metadata = nuspec.Root.Element(ns + "metadata")!;
        Assert.Equal(fixture.Version, metadata.Element(ns + "version")!.Value);
        Assert.Equal("README.md", metadata.Element(ns + "readme")!.Value);
        var dependencies = metadata.Descendants(ns + "dependency").Select(d => d.Attribute("id")!.Value).ToList();
        log.WriteLine("dependencies: " + string.Join(", ", dependencies));
        Assert.Contains("Microsoft.AspNetCore.SignalR.Client", dependencies);
        Assert.Contains("Microsoft.Extensions.Http.Resilience", dependencies);
        Assert.DoesNotContain(dependencies, d => d.StartsWith("Microsoft.Orleans", StringComparison.Ordinal) || d.StartsWith("Recommender.", StringComparison.Ordinal));
        Assert.DoesNotContain(entries, e => e.Contains("Recommender.Learning", StringComparison.Ordinal));

        // The XML docs cover the entry points an application starts from.
        using var xml = zip.GetEntry("lib/net10.0/Recommender.Client.xml")!.Open();
        var members = XDocument.Load(xml).Descendants("member").Select(m => m.Attribute("name")!.Value).ToHashSet();
        Assert.Contains(members, m => m.StartsWith("M:Recommender.Client.ServiceCollectionExtensions.AddRecommenderClient", StringComparison.Ordinal));
        Assert.Contains(members, m => m.StartsWith("M:Recommender.Client.Api.RecommenderClient.PostEventsAsync", StringComparison.Ordinal));
        Assert.Contains(members, m => m.StartsWith("M:Recommender.Client.Api.RecommendationsHubClient.WatchAsync", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_new_console_app_referencing_the_package_records_events_retries_safely_and_reads_recommendations()
    {
        var app = Path.Combine(fixture.Root, "console-app");
        Directory.CreateDirectory(app);
        // Written by hand rather than `dotnet new console`: no template cache, nothing downloaded for it.
        await File.WriteAllTextAsync(Path.Combine(app, "console-app.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net{System.Environment.Version.Major}.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Recommender.Client" Version="[{fixture.Version}]" />
              </ItemGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), ConsoleProgram);

        var user = "sdk-" + Guid.NewGuid().ToString("N")[..8];
        var (code, output) = await DotnetCli.DotnetAsync(app, PackagedClientFixture.CommandTimeout, fixture.Environment,
            "run", "--", fixture.Url, PackagedClientFixture.ReadWriteKey, user);
        log.WriteLine(output);
        Assert.True(code == 0, $"exit code {code}:\n{output}");

        // Restored from the packed folder, not from anywhere else.
        var assets = await File.ReadAllTextAsync(Path.Combine(app, "obj", "project.assets.json"));
        Assert.Contains($"\"Recommender.Client/{fixture.Version}\"", assets);

        var before = Line(output, "before").Split(',', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(before);
        Assert.All(before, id => Assert.Matches("^pk-\\d\\d$", id));
        // The first answer was lost after the server applied the events; the resilience handler sent them
        // again with the same ids and the server recognised all three.
        Assert.Equal("accepted=0 duplicates=3 attempts=2", Line(output, "posted"));
        Assert.Equal("3", Line(output, "total-events"));
        var after = Line(output, "after").Split(',', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(after);
        Assert.DoesNotContain(before[0], after); // liked: seen items are not recommended again
        Assert.Matches($"^like {Regex.Escape(before[0])}|^view {Regex.Escape(before[0])}|^click ", Line(output, "push"));
        Assert.Equal("401", Line(output, "without-key"));

        // The server holds the events once.
        using var http = fixture.Server.CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", PackagedClientFixture.ReadWriteKey);
        var profile = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<System.Text.Json.JsonElement>(http, $"/api/v1/users/{user}");
        Assert.Equal(3, profile.GetProperty("totalEvents").GetInt64());
    }

    [Fact]
    public async Task Reco_installed_as_a_tool_from_the_package_shows_help_and_runs_the_demo()
    {
        var tools = Path.Combine(fixture.Root, "tools");
        var install = await DotnetCli.SucceedAsync(DotnetCli.Muxer, fixture.Root, PackagedClientFixture.CommandTimeout, fixture.Environment,
            "tool", "install", "--tool-path", tools, "--add-source", fixture.Feed, "--version", fixture.Version, "Recommender.Cli");
        log.WriteLine(install);
        var reco = Path.Combine(tools, OperatingSystem.IsWindows() ? "reco.exe" : "reco");
        Assert.True(File.Exists(reco), $"{reco} is missing after the install:\n{install}");

        var help = await DotnetCli.SucceedAsync(reco, fixture.Root, TimeSpan.FromMinutes(1), fixture.Environment, "--help");
        log.WriteLine(help);
        foreach (var command in new[] { "demo", "import", "recommend", "watch", "evaluate" }) Assert.Contains(command, help);

        var version = await DotnetCli.SucceedAsync(reco, fixture.Root, TimeSpan.FromMinutes(1), fixture.Environment, "--version");
        // The assembly's version (packed without a rebuild, so Package.props's, not the test's package version).
        Assert.Matches($"(?m)^{Regex.Escape(PackagedClientFixture.VersionPrefix)}(\\+[0-9a-f]+)?\\s*$", version.Split('\n', 2)[1]);

        var user = "tool-" + Guid.NewGuid().ToString("N")[..8];
        var demo = await DotnetCli.SucceedAsync(reco, fixture.Root, TimeSpan.FromMinutes(2), new Dictionary<string, string?>(fixture.Environment)
        {
            ["RECO_API_KEY"] = PackagedClientFixture.ReadWriteKey,
            ["COLUMNS"] = "160",
        }, "demo", "--url", fixture.Url, "--user", user, "--category", "Even");
        log.WriteLine(demo);
        Assert.Contains($"User {user}", demo);
        Assert.Contains("before", demo);
        Assert.Contains("after", demo);
        Assert.Contains("whole demo", demo);

        // The demo's three interactions reached the server, under the key the environment gave.
        using var http = fixture.Server.CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", PackagedClientFixture.ReadWriteKey);
        var profile = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<System.Text.Json.JsonElement>(http, $"/api/v1/users/{user}");
        Assert.Equal(3, profile.GetProperty("totalEvents").GetInt64());
        var items = profile.GetProperty("recent").EnumerateArray().Select(e => e.GetProperty("itemId").GetString()!).ToList();
        Assert.All(items, id => Assert.True(int.Parse(id[3..]) % 2 == 0, $"{id} is not in category Even"));
    }

    /// <summary>The value after "<paramref name="name"/>=" on the line that starts so.</summary>
    private static string Line(string output, string name)
    {
        var line = output.Split('\n').Select(l => l.TrimEnd('\r')).FirstOrDefault(l => l.StartsWith(name + "=", StringComparison.Ordinal));
        Assert.True(line is not null, $"no '{name}=' line in:\n{output}");
        return line[(name.Length + 1)..];
    }

    /// <summary>The console app: what an application does with the SDK, with a handler that loses the first answer.</summary>
    private const string ConsoleProgram = """
        using System.Net;
        using Microsoft.Extensions.DependencyInjection;
        using Recommender.Client;
        using Recommender.Client.Api;

        var (url, key, user) = (args[0], args[1], args[2]);
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = stop.Token;

        var services = new ServiceCollection();
        services.AddRecommenderClient(o =>
            {
                o.BaseAddress = new Uri(url);
                o.ApiKey = key;
            })
            // Inside the resilience handler: what it retries.
            .AddHttpMessageHandler(() => new LoseFirstEventsAnswer());
        await using var provider = services.BuildServiceProvider(validateScopes: true);

        var client = provider.GetRequiredService<RecommenderClient>();
        var hub = provider.GetRequiredService<RecommendationsHubClient>();
        await hub.ConnectAsync(ct: ct);
        var watched = await hub.WatchAsync(user, 5, ct);
        Console.WriteLine($"watching={watched.Items.Count}");

        var before = await client.GetRecommendationsAsync(user, 5, ct: ct);
        Console.WriteLine("before=" + string.Join(",", before.Items.Select(i => i.ItemId)));
        var liked = before.Items[0].ItemId;
        InteractionEvent[] events =
        [
            new(user, liked, EventTypes.Like),
            new(user, liked, EventTypes.View),
            new(user, before.Items[^1].ItemId, EventTypes.Click),
        ];
        var posted = await client.PostEventsAsync(events, ct);
        Console.WriteLine($"posted=accepted={posted.Accepted} duplicates={posted.Duplicates} attempts={LoseFirstEventsAnswer.Attempts}");

        var profile = await client.GetUserAsync(user, ct);
        Console.WriteLine($"total-events={profile?.TotalEvents}");
        var after = await client.GetRecommendationsAsync(user, 5, ct: ct);
        Console.WriteLine("after=" + string.Join(",", after.Items.Select(i => i.ItemId)));

        using (var wait = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            wait.CancelAfter(TimeSpan.FromSeconds(60));
            try
            {
                await foreach (var push in hub.ReadRankingsAsync(wait.Token))
                {
                    if (push.Cause is { } cause)
                    {
                        Console.WriteLine($"push={cause.Type} {cause.ItemId}");
                        break;
                    }
                }
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                Console.WriteLine("push=none within 60 s");
            }
        }

        // Without the key the service refuses, and the client says so with the problem details.
        using var anonymous = new RecommenderClient(new Uri(url));
        try
        {
            await anonymous.PostEventAsync(new InteractionEvent(user, liked, EventTypes.Like), ct);
            Console.WriteLine("without-key=accepted");
        }
        catch (RecommenderApiException ex)
        {
            Console.WriteLine($"without-key={(int)ex.StatusCode}");
        }

        // Sends the first POST of events to the server, then loses the answer, as a dropped connection would.
        sealed class LoseFirstEventsAnswer : DelegatingHandler
        {
            public static int Attempts;

            protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
            {
                var response = await base.SendAsync(request, ct);
                if (request.Method == HttpMethod.Post && request.RequestUri!.AbsolutePath.EndsWith("/api/v1/events", StringComparison.Ordinal)
                    && Interlocked.Increment(ref Attempts) == 1)
                {
                    response.Dispose();
                    throw new HttpRequestException("the answer was lost (test)");
                }

                return response;
            }
        }
        """;
}
