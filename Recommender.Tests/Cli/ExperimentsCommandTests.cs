using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Recommender.Client.Api;
using Recommender.Client.Commands;
using Recommender.Grains.Experiments;
using Recommender.Tests.Api;
using Recommender.Tests.Infrastructure;
using ServingConfig = Recommender.Client.Api.ServingConfig;
using ExperimentResults = Recommender.Client.Api.ExperimentResults;

namespace Recommender.Tests.Cli;

/// <summary>
/// A server of its own: one experiment runs at a time and a declared winner is every user's default,
/// so these tests must not share a server with others. Never trained (cold users are served by
/// popularity); every test stops and deletes its experiments and puts the default back.
/// </summary>
public sealed class ExperimentsCliServer : IAsyncLifetime
{
    public ApiServer Server { get; private set; } = null!;
    public string Url => Server.BaseAddress.ToString().TrimEnd('/');
    public string[] Items { get; private set; } = [];
    public string Category { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Server = await ApiServer.StartAsync(new Dictionary<string, string>
        {
            ["Model:RetrainInterval"] = "00:00:00",
            ["Model:DriftCheckPeriod"] = "1.00:00:00",
        });
        // Eight items, item i liked by 8 − i users: every cold user is served a list of them.
        var http = Server.HttpClient;
        Category = ApiTestKit.NewId("exp");
        Items = [.. Enumerable.Range(0, 8).Select(i => $"{Category}-{i}")];
        await (await http.PostAsJsonAsync("/api/v1/items", Items.Select((id, i) => new { itemId = id, title = $"Item {i}", categories = new[] { Category } }).ToArray())).OkJsonAsync();
        await http.PostEventsAsync(Items.SelectMany((id, i) => Enumerable.Range(0, 8 - i).Select(_ => new { userId = ApiTestKit.NewId("fan"), itemId = id, type = "like" })).ToArray());
        await Eventually.Get(() => http.GetOkJsonAsync("/api/v1/popular?k=8"),
            list => list.GetProperty("items").ItemIds().SequenceEqual(Items), because: "the items are popular in order");
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>Stops (if running) and deletes the experiment, and serves everyone the default configuration again.</summary>
    public async Task CleanUpAsync(string id)
    {
        var grain = Server.Services.GetRequiredService<IGrainFactory>().GetGrain<IExperimentsGrain>(ExperimentsGrain.Key);
        await grain.Stop(id);
        await grain.Delete(id);
        await grain.SetDefault(Recommender.Grains.Experiments.ServingConfig.Default);
    }
}

/// <summary><c>reco experiments</c> and <c>reco metrics online</c>: the real CLI in a child process against a test API server, and the SDK's experiment calls.</summary>
public sealed partial class ExperimentsCommandTests(ExperimentsCliServer fixture, Xunit.Abstractions.ITestOutputHelper log) : IClassFixture<ExperimentsCliServer>
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);
    /// <summary>Counters reach Redis when each silo flushes (once a second); generous for a loaded machine.</summary>
    private static readonly TimeSpan Flushed = TimeSpan.FromSeconds(30);
    private const int ApiError = RecoCommand<RecoSettings>.ApiError;

    private Task<(int ExitCode, string Output)> RecoAsync(params string[] args) => RecoAsync(args, null);

    private async Task<(int ExitCode, string Output)> RecoAsync(string[] args, IDictionary<string, string?>? environment)
    {
        var result = await RecoProcess.RunAsync([.. args, "--url", fixture.Url], Within, environment);
        log.WriteLine($"$ reco {string.Join(' ', args)}  → {result.ExitCode}\n{result.Output}");
        return result;
    }

    [Fact]
    public async Task Create_start_results_with_exact_counts_winner_and_delete()
    {
        var id = ApiTestKit.NewId("ab");
        using var client = new RecommenderClient(fixture.Server.BaseAddress);
        try
        {
            var (code, output) = await RecoAsync("experiments", "create", id, "--variant", "control", "--variant", "pop=popular", "--holdout", "0.2");
            Assert.Equal(0, code);
            Says(output, $"Created experiment {id} (draft).");
            Assert.Equal(Experiment.Draft, (await client.GetExperimentAsync(id))!.Status);

            (code, output) = await RecoAsync("experiments", "start", id);
            Assert.Equal(0, code);
            Says(output, $"Started experiment {id}");

            // One experiment at a time: a second one asked to start is refused and not created.
            var other = ApiTestKit.NewId("ab");
            (code, output) = await RecoAsync("experiments", "create", other, "--variant", "a", "--variant", "b", "--start");
            Assert.Equal(ApiError, code);
            Says(output, $"Experiment '{id}' is running");
            Assert.Null(await client.GetExperimentAsync(other));

            // Users until every arm (the holdout included) has two; each user's list says where it was served.
            var lists = new List<Recommendations>();
            for (var i = 0; i < 100 && !new[] { "control", "pop", "holdout" }.All(v => lists.Count(l => l.Variant == v) >= 2); i++)
            {
                var list = await client.GetRecommendationsAsync(ApiTestKit.NewId("u"), 5);
                Assert.Equal(id, list.Experiment);
                Assert.False(string.IsNullOrEmpty(list.RecommendationId));
                Assert.True(list.Items.Count >= 2, $"{list.Items.Count} items for {list.UserId}");
                lists.Add(list);
            }

            var byVariant = lists.GroupBy(l => l.Variant!).ToDictionary(g => g.Key, g => g.ToList());
            Assert.Equal(new[] { "control", "holdout", "pop" }, byVariant.Keys.Order());
            Assert.All(byVariant.Values, users => Assert.True(users.Count >= 2));
            Assert.All(byVariant["pop"], l => Assert.Equal("popular", l.Strategy));

            // In each arm: the first user is served a second list (2 impressions, 1 user) and likes its
            // first item and buys its second; the second user likes the first item of theirs.
            var events = new List<InteractionEvent>();
            foreach (var (variant, users) in byVariant)
            {
                var again = await client.GetRecommendationsAsync(users[0].UserId, 5);
                Assert.Equal(variant, again.Variant);
                Assert.NotEqual(users[0].RecommendationId, again.RecommendationId);
                events.Add(new InteractionEvent(again.UserId, again.Items[0].ItemId, EventTypes.Like, RecommendationId: again.RecommendationId));
                events.Add(new InteractionEvent(again.UserId, again.Items[1].ItemId, EventTypes.Purchase, RecommendationId: again.RecommendationId));
                events.Add(new InteractionEvent(users[1].UserId, users[1].Items[0].ItemId, EventTypes.Like, RecommendationId: users[1].RecommendationId));
            }

            Assert.Equal(events.Count, (await client.PostEventsAsync(events)).Accepted);
            var expected = byVariant.ToDictionary(p => p.Key, p => (Users: (long)p.Value.Count, Impressions: p.Value.Count + 1L, Events: 3L, Hits: 2L, Conversions: 1L));

            await Eventually.Get(() => client.GetExperimentResultsAsync(id),
                r => r.Variants.All(v => expected.TryGetValue(v.Name, out var e) && (v.Users, v.Impressions, v.Events, v.Hits, v.Conversions) == e),
                Flushed, "every silo flushed the experiment's counters");

            (code, output) = await RecoAsync("experiments", "results", id);
            Assert.Equal(0, code);
            var rows = Rows(output, new[] { "control", "pop", "holdout" });
            foreach (var (variant, e) in expected)
            {
                var row = rows[variant];
                Assert.Equal([e.Users.ToString(), e.Impressions.ToString(), e.Events.ToString()], row[2..5]);
                Assert.StartsWith(ExperimentsView.Percent(2.0 / e.Impressions) + " [", row[5]); // hit rate [low, high]
                Assert.StartsWith(ExperimentsView.Percent(1.0 / e.Impressions) + " [", row[6]); // conversion [low, high]
                Assert.Equal(ExperimentsView.Percent(3.0 / e.Impressions), row[7]); // CTR
            }

            Assert.Equal("20.0%", rows["holdout"][1]);
            Assert.Equal("40.0%", rows["pop"][1]);
            Says(output, "pop vs control");
            Assert.Matches(@"decision: (undecided|decided)", output);

            (code, output) = await RecoAsync("experiments", "list");
            Assert.Equal(0, code);
            Assert.Matches($@"{Regex.Escape(id)}\s*│[^\n]*running[^\n]*control, pop", output);

            (code, output) = await RecoAsync("experiments", "show", id);
            Assert.Equal(0, code);
            Assert.Equal("popular", Rows(output, new[] { "pop" })["pop"][2]);

            // The online metrics count the same lists, per variant: "pop" when the window saw this experiment
            // only, else "<id>/pop" (the other tests' experiments too; wide, so no cell wraps).
            (code, output) = await RecoAsync(["metrics", "online", "--window", "5m"], new Dictionary<string, string?> { ["COLUMNS"] = "250" });
            Assert.Equal(0, code);
            var online = Regex.Matches(output, $@"^│[^│]*│ (?:{Regex.Escape(id)}/)?pop\s*│\s*(\d+)\s*│\s*(\d+)\s*│", RegexOptions.Multiline);
            Assert.True(online.Count > 0, "no row for the pop variant");
            Assert.Equal(expected["pop"].Impressions, online.Sum(m => long.Parse(m.Groups[1].Value)));
            Assert.Equal(3, online.Sum(m => long.Parse(m.Groups[2].Value)));
            Says(output, "matched no served list: 0");

            // The winner: the experiment stops and its configuration is everyone's default.
            (code, output) = await RecoAsync("experiments", "winner", id, "pop");
            Assert.Equal(0, code);
            Says(output, $"Declared pop the winner of {id} (now stopped).");
            Says(output, "now served: popular.");
            Assert.Equal("popular", (await client.GetServingDefaultAsync()).Strategy);
            Assert.Null((await client.GetRecommendationsAsync(ApiTestKit.NewId("u"), 5)).Experiment);

            (code, output) = await RecoAsync("experiments", "results", id);
            Assert.Equal(0, code);
            Says(output, "declared winner: pop");
            Says(output, $"{id}: stopped since");

            (code, output) = await RecoAsync("experiments", "delete", id);
            Assert.Equal(0, code);
            Says(output, $"Deleted experiment {id}");
            (code, output) = await RecoAsync("experiments", "show", id);
            Assert.Equal(ApiError, code);
            Says(output, $"No experiment '{id}'");
        }
        finally
        {
            await fixture.CleanUpAsync(id);
        }
    }

    [Fact]
    public async Task Bad_input_prints_the_problems_field_and_creates_nothing()
    {
        var id = ApiTestKit.NewId("ab");
        try
        {
            var (code, output) = await RecoAsync("experiments", "create", id, "--variant", "a", "--variant", "b=popular,exploration=2");
            Assert.Equal(ApiError, code);
            Says(output, "variants[1].serving.exploration: variants[1].serving.exploration must be a number between 0 and 1.");

            (code, output) = await RecoAsync("experiments", "create", id, "--variant", "a", "--variant", "b=random", "--metric", "clicks");
            Assert.Equal(ApiError, code);
            Says(output, "variants[1].serving.strategy: strategy is learned (the model) or popular.");
            Says(output, "metric: metric is hitRate or conversion.");

            (code, output) = await RecoAsync("experiments", "create", id, "--variant", "a", "--variant", "b,filter=price ==");
            Assert.Equal(ApiError, code);
            Says(output, "variants[1].serving.filter: at 6: unknown operator '=='");

            (code, output) = await RecoAsync("experiments", "create", id, "--variant", "a,colour=red", "--variant", "b");
            Assert.Equal(RecoCommand<RecoSettings>.Failed, code);
            Says(output, "unknown key 'colour'");

            (code, output) = await RecoAsync("experiments", "create", id, "--variant", "a", "--variant", "b", "--share", "1,2,3");
            Assert.Equal(RecoCommand<RecoSettings>.Failed, code);
            Says(output, "3 shares for 2 variants");

            Assert.Equal(HttpStatusCode.NotFound, (await fixture.Server.HttpClient.GetAsync($"/api/v1/experiments/{id}")).StatusCode);

            (code, output) = await RecoAsync("experiments", "start", id);
            Assert.Equal(ApiError, code);
            Says(output, $"No experiment has id '{id}'");

            (code, output) = await RecoAsync("experiments", "create", id, "--variant", "a", "--variant", "b");
            Assert.Equal(0, code);
            (code, output) = await RecoAsync("experiments", "winner", id, "b");
            Assert.Equal(ApiError, code);
            Says(output, "has not run: start it first");

            (code, output) = await RecoAsync("metrics", "online", "--window", "30s");
            Assert.NotEqual(0, code);
            Says(output, "--window '30s'");

            (code, output) = await RecoAsync("experiments", "results", id, "--for", "5s");
            Assert.NotEqual(0, code);
            Says(output, "--for bounds --watch");
        }
        finally
        {
            await fixture.CleanUpAsync(id);
        }
    }

    [Fact]
    public async Task Results_watch_prints_each_change_until_for_or_Ctrl_C()
    {
        var id = ApiTestKit.NewId("ab");
        using var client = new RecommenderClient(fixture.Server.BaseAddress);
        try
        {
            await client.CreateExperimentAsync(new ExperimentSpec(id, [new("a", 1), new("b", 1, new ServingConfig(ServingConfig.Popular))], Start: true));
            await using (var watching = RecoProcess.Start(["experiments", "results", id, "--watch", "--for", "15s", "--url", fixture.Url]))
            {
                await watching.WaitForOutputAsync($"Watching {id}", Within);
                Assert.Contains("│ a ", watching.Output); // the current results first (nothing served yet)

                var list = await client.GetRecommendationsAsync(ApiTestKit.NewId("u"), 5);
                await client.PostEventAsync(new InteractionEvent(list.UserId, list.Items[0].ItemId, EventTypes.Like, RecommendationId: list.RecommendationId));

                var code = await watching.WaitForExitAsync(Within);
                log.WriteLine(watching.Output);
                Assert.Equal(0, code);
                Assert.Matches(@"Stopped watching \S+ after \d+ updates?\.", watching.Output);
                Assert.Contains("── update ", watching.Output);
                var last = watching.Output[watching.Output.LastIndexOf("── update ", StringComparison.Ordinal)..];
                var row = Rows(last, [list.Variant!])[list.Variant!];
                Assert.Equal(["1", "1", "1"], row[2..5]); // users, impressions, events: the flushed counts arrived as a push
            }

            // Ctrl+C is the other way to stop: exit 0 as well.
            if (OperatingSystem.IsLinux())
            {
                await using var interrupted = RecoProcess.Start(["experiments", "results", id, "--watch", "--url", fixture.Url]);
                await interrupted.WaitForOutputAsync($"Watching {id}", Within);
                interrupted.Interrupt();
                Assert.Equal(0, await interrupted.WaitForExitAsync(TimeSpan.FromSeconds(30)));
                Assert.Contains($"Stopped watching {id} after 0 updates.", interrupted.Output);
            }

            var (refused, output) = await RecoAsync("experiments", "results", "no-such-experiment", "--watch", "--for", "5s");
            Assert.Equal(ApiError, refused);
            Says(output, "experimentId: No experiment has id 'no-such-experiment'");
            Assert.DoesNotContain("connection closed", output);
        }
        finally
        {
            await fixture.CleanUpAsync(id);
        }
    }

    /// <summary>The SDK's experiment calls and attribution, the hub's experiment watch included.</summary>
    [Fact]
    public async Task Client_runs_an_experiment_end_to_end_and_the_hub_pushes_its_results()
    {
        var id = ApiTestKit.NewId("ab");
        using var client = new RecommenderClient(fixture.Server.BaseAddress);
        await using var hub = new RecommendationsHubClient(fixture.Server.BaseAddress);
        try
        {
            var blend = new ServingConfig(ServingConfig.Learned, PopularShare: 0.5, Exploration: 0.1, Filter: $"categories = '{fixture.Category}'", ApplyRules: false);
            var created = await client.CreateExperimentAsync(new ExperimentSpec(id, [new("control", 2), new("blend", 1, blend)],
                Name: "Blend test", Holdout: 0.1, Metric: Experiment.Conversion, Alpha: 0.1));
            Assert.Equal((id, "Blend test", Experiment.Draft, 0.1, Experiment.Conversion, 0.1), (created.Id, created.Name, created.Status, created.Holdout, created.Metric, created.Alpha));
            Assert.Equal(new ExperimentVariant("blend", 1, blend), created.Variants[1]);
            Assert.Equal(new ServingConfig(), created.Variants[0].Serving);
            Assert.Null(created.StartedAt);

            Assert.Contains(await client.ListExperimentsAsync(), e => e.Id == id);
            Assert.Equal(created.Variants, (await client.GetExperimentAsync(id))!.Variants);
            Assert.Null(await client.GetExperimentAsync("no-such-experiment"));
            var conflict = await Assert.ThrowsAsync<RecommenderApiException>(() => client.CreateExperimentAsync(new ExperimentSpec(id, [new("a", 1), new("b", 1)])));
            Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
            var invalid = await Assert.ThrowsAsync<RecommenderApiException>(() => client.CreateExperimentAsync(new ExperimentSpec(ApiTestKit.NewId("ab"), [new("only", 1)])));
            Assert.Contains("variants", invalid.Errors.Keys);

            var started = await client.StartExperimentAsync(id);
            Assert.Equal(Experiment.Running, started.Status);
            Assert.NotNull(started.StartedAt);
            Assert.Equal(HttpStatusCode.Conflict, (await Assert.ThrowsAsync<RecommenderApiException>(() => client.StartExperimentAsync(id))).StatusCode);

            await hub.ConnectAsync();
            var pushes = new List<ExperimentResults>();
            hub.ExperimentResultsReceived += r => { lock (pushes) pushes.Add(r); };
            var watched = await hub.WatchExperimentAsync(id);
            Assert.Equal(id, watched.Experiment.Id);
            Assert.Equal(new[] { "control", "blend", "holdout" }, watched.Variants.Select(v => v.Name));
            Assert.All(watched.Variants, v => Assert.Equal(0, v.Impressions));

            // A pushed ranking names its list, experiment and variant as an answer does.
            var pushed = await hub.WatchAsync(ApiTestKit.NewId("w"), 5);
            Assert.Equal(id, pushed.Experiment);
            Assert.NotNull(pushed.Variant);
            Assert.False(string.IsNullOrEmpty(pushed.RecommendationId));

            var list = await client.GetRecommendationsAsync(ApiTestKit.NewId("u"), 5);
            Assert.Equal(id, list.Experiment);
            await client.PostEventAsync(new InteractionEvent(list.UserId, list.Items[0].ItemId, EventTypes.Purchase, RecommendationId: list.RecommendationId));

            bool Counted(ExperimentResults r) => r.Variants.Single(v => v.Name == list.Variant).Conversions == 1;
            var results = await Eventually.Get(() => client.GetExperimentResultsAsync(id), Counted, Flushed, "the purchase reached the results");
            var variant = results.Variants.Single(v => v.Name == list.Variant);
            Assert.Equal((1L, 1L, 1L), (variant.Events, variant.Hits, variant.Conversions));
            Assert.Equal(1.0 / variant.Impressions, variant.Conversion.Value, 9);
            Assert.InRange(variant.Conversion.Low, 0, variant.Conversion.Value);
            Assert.Equal(0, results.Variants.Where(v => v.Name != list.Variant).Sum(v => v.Events));
            Assert.Equal(new[] { "blend" }, results.Comparisons.Select(c => c.Variant));
            Assert.Equal("control", results.Comparisons[0].Against);
            Assert.NotEmpty(results.Series!);
            await Eventually.Get(() => Task.FromResult(pushes.ToArray()), p => p.Any(Counted), Flushed, "the hub pushed the results with the purchase");

            var online = await client.GetOnlineMetricsAsync(TimeSpan.FromMinutes(5));
            var group = online.Groups.Where(g => g.Experiment == id && g.Variant == list.Variant).ToList();
            Assert.Equal(1, group.Sum(g => g.Events));
            Assert.Equal(1, group.Sum(g => g.Conversions));
            Assert.Equal(1, group.Sum(g => g.EventsByType!.GetValueOrDefault("purchase")));
            Assert.True(online.CatalogSize >= fixture.Items.Length);
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.GetOnlineMetricsAsync(TimeSpan.FromSeconds(30)));

            var stopped = await client.StopExperimentAsync(id);
            Assert.Equal(Experiment.Stopped, stopped.Status);
            Assert.Null((await client.GetRecommendationsAsync(list.UserId, 5)).Experiment);
            var unknown = await Assert.ThrowsAsync<RecommenderApiException>(() => client.DeclareWinnerAsync(id, "nope"));
            Assert.Contains("variant", unknown.Errors.Keys);
            var declared = await client.DeclareWinnerAsync(id, "blend");
            Assert.Equal("blend", declared.Winner);
            Assert.Equal(blend, await client.GetServingDefaultAsync());

            Assert.True(await client.DeleteExperimentAsync(id));
            Assert.False(await client.DeleteExperimentAsync(id));
            Assert.Equal(HttpStatusCode.NotFound, (await Assert.ThrowsAsync<RecommenderApiException>(() => client.GetExperimentResultsAsync(id))).StatusCode);
        }
        finally
        {
            await fixture.CleanUpAsync(id);
        }
    }

    /// <summary>The text is in the output, however the console wrapped it (120 columns in a pipe).</summary>
    private static void Says(string output, string text) =>
        Assert.Contains(Flat(text), Flat(output));

    private static string Flat(string text) => Regex.Replace(text, @"\s+", " ");

    /// <summary>The cells of each table row whose first cell is one of <paramref name="names"/> (the first such row).</summary>
    private static Dictionary<string, string[]> Rows(string output, IEnumerable<string> names)
    {
        var wanted = names.ToHashSet();
        var rows = new Dictionary<string, string[]>();
        foreach (var line in output.Split('\n'))
        {
            var text = line.TrimEnd('\r');
            if (!text.StartsWith('│')) continue;
            var cells = text.Split('│')[1..^1].Select(c => c.Trim()).ToArray();
            if (cells.Length > 0 && wanted.Contains(cells[0])) rows.TryAdd(cells[0], cells);
        }

        Assert.True(wanted.SetEquals(rows.Keys), $"rows {string.Join(", ", wanted.Except(rows.Keys))} missing in:\n{output}");
        return rows;
    }
}
