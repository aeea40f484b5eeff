using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Recommender.Tests.Infrastructure;

namespace Recommender.Tests.Cli;

/// <summary>The demo catalog's server, started once for the demo tests (as shipped: Production, API keys required).</summary>
public sealed class DemoServerFixture : IAsyncLifetime
{
    public const string ApiKey = "cli-demo-test-key-7d2a9c41e6";

    private readonly TempDirectory _data = new();
    private ApiProcess? _server;

    public ApiProcess Server => _server ?? throw new InvalidOperationException("The demo server has not started.");
    public string Url => Server.BaseAddress.ToString().TrimEnd('/');

    public HttpClient CreateClient()
    {
        var http = Server.CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        return http;
    }

    public async Task InitializeAsync()
    {
        _server = new ApiProcess(_data.Path, new Dictionary<string, string>
        {
            ["Recommender:SeedDemoCatalog"] = "true",
            ["Security:ApiKeys:0:Name"] = "cli-demo",
            ["Security:ApiKeys:0:Key"] = ApiKey,
            ["Security:ApiKeys:0:Scopes:0"] = "admin",
        });
        await _server.StartAsync();
        using var http = CreateClient();
        await Eventually.Get(async () =>
            {
                using var doc = JsonDocument.Parse(await http.GetStringAsync("/api/v1/items?limit=1"));
                return doc.RootElement.GetProperty("total").GetInt32();
            },
            total => total == 300, TimeSpan.FromSeconds(30), "the demo catalog of 300 items is indexed");
    }

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        _data.Dispose();
    }
}

/// <summary><c>reco demo</c> against a running local server (the demo catalog seeded) shows a changed top 10.</summary>
public sealed class DemoCommandTests(DemoServerFixture demo, Xunit.Abstractions.ITestOutputHelper log) : IClassFixture<DemoServerFixture>
{
    [Fact]
    public async Task Reco_demo_shows_a_changed_top_10_and_sums_up_the_whole_demo()
    {
        var clock = Stopwatch.StartNew();
        // Piped, no COLUMNS: the 120-column default, not Spectre's 80.
        var output = await DemoAsync("cli-demo-user", columns: null);

        Assert.Contains("cli-demo-user", output);
        // The three interactions are shown, and the second table marks items that entered the top 10.
        Assert.Contains("view", output);
        Assert.Contains("like", output);
        Assert.Contains("rating 5", output);
        Assert.DoesNotContain("no change", output);
        var first = TableRows(output, "before —");
        var final = TableRows(output, "after —");
        Assert.Equal(10, first.Count);
        Assert.Equal(10, final.Count);

        // The summary is the first list against the final one: every item that entered with its rank,
        // title and score as the final list shows them, every item that left with its former rank.
        var summary = TableRows(output, "whole demo: first list → final list");
        var firstIds = first.Select(r => r["item"]).ToList();
        var finalIds = final.Select(r => r["item"]).ToList();
        var added = summary.Where(r => r["change"] == "new").ToList();
        var removed = summary.Where(r => r["change"] == "removed").ToList();
        Assert.NotEmpty(added);
        Assert.Equal(finalIds.Except(firstIds).Order(), added.Select(r => r["item"]).Order());
        Assert.Equal(firstIds.Except(finalIds).Order(), removed.Select(r => r["item"]).Order());
        foreach (var row in added)
        {
            var shown = final.Single(r => r["item"] == row["item"]);
            Assert.Equal($"#{shown["#"]}", row["rank"]);
            Assert.Equal(shown["score"], row["score"]);
            Assert.Equal(shown["title"], row["title"]);
        }

        foreach (var row in removed)
        {
            var shown = first.Single(r => r["item"] == row["item"]);
            Assert.Equal($"was #{shown["#"]}", row["rank"]);
            Assert.Equal(shown["title"], row["title"]);
        }

        foreach (var row in summary.Where(r => r["change"] is not ("new" or "removed")))
        {
            Assert.Equal($"#{firstIds.IndexOf(row["item"]) + 1} → #{finalIds.IndexOf(row["item"]) + 1}", row["rank"]);
        }

        // ... and the chosen category gained ground.
        var share = Regex.Match(output, @"Items in (?<category>.+?): (?<before>\d+)/\d+ before → (?<after>\d+)/\d+ after");
        Assert.True(share.Success, $"no category summary line:\n{output}");
        Assert.True(int.Parse(share.Groups["after"].Value) > int.Parse(share.Groups["before"].Value), share.Value);
        var widths = Lines(output).Select(l => l.Length).ToList();
        Assert.True(widths.Max() is > 80 and <= 120, $"piped without COLUMNS the widest line is {widths.Max()} characters, not 81–120");
        // The server saw the three interactions.
        using var http = demo.CreateClient();
        using var profile = JsonDocument.Parse(await http.GetStringAsync("/api/v1/users/cli-demo-user"));
        Assert.Equal(3, profile.RootElement.GetProperty("totalEvents").GetInt32());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"the demo test took {clock.Elapsed}");
    }

    [Fact]
    public async Task Reco_demo_follows_COLUMNS_wide_without_breaking_titles_and_narrow_within_it()
    {
        var wide = await DemoAsync("cli-demo-wide", columns: 160);
        Assert.Contains(Lines(wide), l => l.Length > 80);
        Assert.All(Lines(wide), l => Assert.True(l.Length <= 160, $"wider than 160: {l}"));
        // Every title the tables show is whole on one line, as the server has it (not cut into a narrow column).
        using var http = demo.CreateClient();
        var ids = TableRows(wide, "before —").Concat(TableRows(wide, "after —")).Select(r => r["item"]).Distinct().ToList();
        Assert.NotEmpty(ids);
        foreach (var id in ids)
        {
            using var item = JsonDocument.Parse(await http.GetStringAsync($"/api/v1/items/{id}"));
            var title = item.RootElement.GetProperty("title").GetString()!;
            Assert.Contains(Lines(wide), l => l.Contains($"│ {title} ", StringComparison.Ordinal));
        }

        var narrow = await DemoAsync("cli-demo-narrow", columns: 60);
        Assert.All(Lines(narrow), l => Assert.True(l.Length <= 60, $"wider than 60 ({l.Length}): {l}"));
        // Still the whole story: both lists with their ids and scores, and the summary.
        Assert.Equal(10, TableRows(narrow, "before —").Count);
        Assert.Equal(10, TableRows(narrow, "after —").Count);
        Assert.NotEmpty(TableRows(narrow, "whole demo: first list → final list"));
    }

    [Fact]
    public async Task Reco_demo_against_nothing_exits_2_unreachable()
    {
        var port = Recommender.Silo.Storage.EmbeddedGarnet.FreeLoopbackPort();
        var (exitCode, output) = await RecoProcess.RunAsync(["demo", "--url", $"http://127.0.0.1:{port}"], TimeSpan.FromSeconds(30));
        Assert.True(exitCode == 2, $"expected exit code 2 (unreachable), got {exitCode}:\n{output}");
    }

    private async Task<string> DemoAsync(string user, int? columns)
    {
        var (exitCode, output) = await RecoProcess.RunAsync(
            ["demo", "--url", demo.Url, "--api-key", DemoServerFixture.ApiKey, "--user", user],
            TimeSpan.FromSeconds(40),
            new Dictionary<string, string?> { ["COLUMNS"] = columns?.ToString() });
        log.WriteLine(output);
        Assert.True(exitCode == 0, $"reco demo exited with {exitCode}:\n{output}");
        return output;
    }

    private static string[] Lines(string output) => output.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();

    /// <summary>
    /// The rows of the table whose title starts with <paramref name="title"/>, as header → cell. A cell
    /// wrapped over several lines is joined back with spaces (the item column never wraps, so a line
    /// with an empty item cell continues the row above).
    /// </summary>
    private static List<Dictionary<string, string>> TableRows(string output, string title)
    {
        var lines = Lines(output);
        var at = Array.FindIndex(lines, l => l.Trim().StartsWith(title, StringComparison.Ordinal));
        Assert.True(at >= 0, $"no table titled '{title}':\n{output}");
        string[]? header = null;
        var rows = new List<Dictionary<string, string>>();
        foreach (var line in lines.Skip(at + 1))
        {
            if (line.StartsWith('╰')) break;
            if (!line.StartsWith('│')) continue;
            var cells = line.Trim().Trim('│').Split('│').Select(c => c.Trim()).ToArray();
            if (header is null)
            {
                header = cells;
                continue;
            }

            if (cells[Array.IndexOf(header, "item")].Length > 0)
            {
                rows.Add(header.Zip(cells).ToDictionary(p => p.First, p => p.Second));
            }
            else
            {
                foreach (var (name, cell) in header.Zip(cells).Where(p => p.Second.Length > 0))
                    rows[^1][name] = $"{rows[^1][name]} {cell}";
            }
        }

        return rows;
    }
}
