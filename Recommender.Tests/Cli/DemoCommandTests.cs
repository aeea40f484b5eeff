using System.Diagnostics;
using System.Text.Json;
using Recommender.Tests.Infrastructure;

namespace Recommender.Tests.Cli;

/// <summary><c>reco demo</c> against a running local server (the demo catalog seeded) shows a changed top 10.</summary>
public sealed class DemoCommandTests(Xunit.Abstractions.ITestOutputHelper log)
{
    private const string ApiKey = "cli-demo-test-key-7d2a9c41e6";

    [Fact]
    public async Task Reco_demo_shows_a_changed_top_10()
    {
        var clock = Stopwatch.StartNew();
        using var data = new TempDirectory();
        // The server runs as shipped (Production: API keys required); the CLI presents its key with --api-key.
        await using var server = new ApiProcess(data.Path, new Dictionary<string, string>
        {
            ["Recommender:SeedDemoCatalog"] = "true",
            ["Security:ApiKeys:0:Name"] = "cli-demo",
            ["Security:ApiKeys:0:Key"] = ApiKey,
            ["Security:ApiKeys:0:Scopes:0"] = "admin",
        });
        await server.StartAsync();
        using var http = server.CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        await Eventually.Get(async () =>
            {
                using var doc = JsonDocument.Parse(await http.GetStringAsync("/api/v1/items?limit=1"));
                return doc.RootElement.GetProperty("total").GetInt32();
            },
            total => total == 300, TimeSpan.FromSeconds(30), "the demo catalog of 300 items is indexed");

        var (exitCode, output) = await RunRecoAsync(["demo", "--url", server.BaseAddress.ToString().TrimEnd('/'), "--api-key", ApiKey, "--user", "cli-demo-user"], TimeSpan.FromSeconds(40));

        log.WriteLine(output);
        Assert.True(exitCode == 0, $"reco demo exited with {exitCode}:\n{output}");
        Assert.Contains("cli-demo-user", output);
        Assert.Contains("before", output);
        Assert.Contains("after", output);
        // The three interactions are shown, and the second table marks items that entered the top 10.
        Assert.Contains("view", output);
        Assert.Contains("like", output);
        Assert.Contains("rating 5", output);
        Assert.DoesNotContain("no change", output);
        // The diff panel lists the items that entered the top 10 ...
        Assert.Matches(@"new\s+item-\d{3}", output);
        // ... and the chosen category gained ground.
        var share = System.Text.RegularExpressions.Regex.Match(output, @"Items in (?<category>.+?): (?<before>\d+)/\d+ before → (?<after>\d+)/\d+ after");
        Assert.True(share.Success, $"no category summary line:\n{output}");
        Assert.True(int.Parse(share.Groups["after"].Value) > int.Parse(share.Groups["before"].Value), share.Value);
        // The server saw the three interactions.
        using var profile = JsonDocument.Parse(await http.GetStringAsync("/api/v1/users/cli-demo-user"));
        Assert.Equal(3, profile.RootElement.GetProperty("totalEvents").GetInt32());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"the demo test took {clock.Elapsed}");
    }

    [Fact]
    public async Task Reco_demo_against_nothing_exits_2_unreachable()
    {
        var port = Recommender.Silo.Storage.EmbeddedGarnet.FreeLoopbackPort();
        var (exitCode, output) = await RunRecoAsync(["demo", "--url", $"http://127.0.0.1:{port}"], TimeSpan.FromSeconds(30));
        Assert.True(exitCode == 2, $"expected exit code 2 (unreachable), got {exitCode}:\n{output}");
    }

    /// <summary>Runs <c>dotnet reco.dll</c> from the test output folder, capturing stdout and stderr (no terminal: plain text).</summary>
    private static async Task<(int ExitCode, string Output)> RunRecoAsync(string[] args, TimeSpan timeout)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "reco.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: the test project references Recommender.Client");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment["NO_COLOR"] = "1";
        info.Environment["COLUMNS"] = "200";
        info.Environment.Remove("RECO_URL");
        info.Environment.Remove("RECO_API_KEY");

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"reco {string.Join(' ', args)} did not finish in {timeout}:\n{await stdout}\n{await stderr}");
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
