using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Recommender.Tests.Api;
using Recommender.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Recommender.Tests.Browser;

/// <summary>
/// The simulator page's Experiments tab (issue #14 point 4) in Chromium, on a demo server of its own
/// (an experiment changes what every user of a server is served, so not the simulator tests' one):
/// "learned vs popularity" created from the tab, taste bots run inside it, the chart and the table
/// growing from pushes over the hub (the page never reads /results), the decision shown, the
/// server's problems shown under the list, and every action of the list.
/// </summary>
[Collection(ExperimentsTabCollection.Name)]
public sealed class ExperimentsTabTests(SimulatorPageTests.Site site) : IClassFixture<SimulatorPageTests.Site>
{
    private static readonly string[] Variants = ["learned", "popular"];

    [SkippableFact]
    public async Task Learned_vs_popularity_with_bots_charts_pushed_results_and_the_decision()
    {
        var clock = Stopwatch.StartNew();
        var page = await site.NewPageAsync(1366, 900);
        // Every read of /results the page makes, and every experimentResults message the hub sends it.
        var resultsReads = new List<string>();
        page.Request += (_, request) =>
        {
            if (Regex.IsMatch(request.Url, @"/api/v1/experiments/[^/?]+/results")) lock (resultsReads) resultsReads.Add(request.Url);
        };
        var pushedFrames = 0;
        page.WebSocket += (_, socket) => socket.FrameReceived += (_, frame) =>
        {
            if (frame.Text?.Contains("\"target\":\"experimentResults\"", StringComparison.Ordinal) == true) Interlocked.Increment(ref pushedFrames);
        };

        await page.GotoAsync(site.Url("/"));
        await Expect(page.Locator("#connection")).ToHaveClassAsync(new Regex("conn-connected"), new() { Timeout = 20_000 });
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-ready", "true", new() { Timeout = 20_000 });

        // The tab: the simulator's view hides, the list (empty on this server) shows.
        await page.GetByRole(AriaRole.Tab, new() { Name = "Experiments" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Tab, new() { Name = "Experiments" })).ToHaveAttributeAsync("aria-selected", "true");
        await Expect(page.Locator("#view-simulator")).ToBeHiddenAsync();
        await Expect(page.Locator("#exp-rows")).ToContainTextAsync("No experiments yet");

        // One click: learned against popular, 50/50, running, selected, as the server holds it.
        await page.GetByRole(AriaRole.Button, new() { Name = "Learned model vs popularity" }).ClickAsync();
        var row = page.Locator("#exp-rows tr[data-status=running]");
        await Expect(row).ToHaveCountAsync(1);
        var id = (await row.GetAttributeAsync("data-experiment-id"))!;
        Assert.StartsWith("learned-vs-popular-", id);
        try
        {
            await Expect(row.Locator("li[data-variant=learned]")).ToContainTextAsync("50% · learned model");
            await Expect(row.Locator("li[data-variant=popular]")).ToContainTextAsync("50% · popularity");
            await Expect(page.Locator("#exp-results")).ToHaveAttributeAsync("data-experiment-id", id);
            var stored = await site.Http.GetOkJsonAsync($"/api/v1/experiments/{id}");
            Assert.Equal("running", stored.GetProperty("status").GetString());
            Assert.Equal(Variants, stored.GetProperty("variants").EnumerateArray().Select(v => v.GetProperty("name").GetString()));
            Assert.Equal(Variants, stored.GetProperty("variants").EnumerateArray().Select(v => v.GetProperty("serving").GetProperty("strategy").GetString()));
            Assert.Equal(new[] { 0.5, 0.5 }, stored.GetProperty("variants").EnumerateArray().Select(v => v.GetProperty("share").GetDouble()));
            await Expect(page.Locator("#exp-decision")).ToContainTextAsync("Undecided on hit rate");
            site.AssertNoBrowserErrors();

            // The server's problems show under the list: a second one while this runs is its 409 …
            await page.GetByRole(AriaRole.Button, new() { Name = "Learned model vs popularity" }).ClickAsync();
            var error = page.Locator("#exp-error");
            await Expect(error).ToBeVisibleAsync();
            await Expect(error).ToContainTextAsync("Could not create the experiment: Not possible in the experiment's state. (409, POST /api/v1/experiments)");
            await Expect(error).ToContainTextAsync($"Experiment '{id}' is running: one experiment runs at a time");
            // … and a validation problem names its fields (this one made up by the test: the one-click body is valid).
            await page.RouteAsync("**/api/v1/experiments", route => route.Request.Method == "POST"
                ? route.FulfillAsync(new()
                {
                    Status = 400,
                    ContentType = "application/problem+json",
                    Body = """{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"The request is invalid.","status":400,"errors":{"variants[1].serving.strategy":["strategy is learned (the model) or popular."]}}""",
                })
                : route.ContinueAsync());
            await page.GetByRole(AriaRole.Button, new() { Name = "Learned model vs popularity" }).ClickAsync();
            await Expect(error).ToContainTextAsync("variants[1].serving.strategy: strategy is learned (the model) or popular.");
            await Expect(error).ToHaveAttributeAsync("data-fields", "variants[1].serving.strategy");
            await page.UnrouteAsync("**/api/v1/experiments");
            await Expect(page.Locator("#exp-rows tr")).ToHaveCountAsync(1);
            site.ClearErrors(); // the 409 and the 400 were provoked

            // Twenty bots (the default) inside it: the server puts each in a variant.
            await Expect(page.Locator("#exp-bot-count")).ToHaveValueAsync("20");
            await page.Locator("#exp-bot-steps").FillAsync("15");
            await page.Locator("#exp-bot-pause").FillAsync("250");
            await page.GetByRole(AriaRole.Button, new() { Name = "Run bots", Exact = true }).ClickAsync();
            await Expect(page.Locator("#exp-bots-form")).ToHaveAttributeAsync("data-running", "true");

            // Growth over time, in the chart: each variant's line gains points with more impressions.
            // The first answer (WatchExperiment, before any impression) put no point there; only pushes can.
            var lines = await Eventually.Get(() => ChartLines(page),
                l => Variants.All(v => l.TryGetValue(v, out var imp) && imp.Length >= 2 && imp[^1] > imp[0]),
                TimeSpan.FromSeconds(40), "both variants' lines grow by pushed points");
            Assert.Equal(Variants, lines.Keys.Order());
            foreach (var impressions in lines.Values) Assert.True(impressions.Zip(impressions.Skip(1)).All(p => p.Second >= p.First), string.Join(",", impressions));
            var pushesSeen = int.Parse((await page.Locator("#exp-live").GetAttributeAsync("data-pushes"))!);
            Assert.True(pushesSeen >= 2, $"{pushesSeen} pushes counted by the page");

            await Expect(page.Locator("#exp-bots-form")).ToHaveAttributeAsync("data-running", "false", new() { Timeout = 40_000 });
            // Every bot was in the experiment; each variant's row counts its bots, 20 in all, and its group lists them.
            var botCounts = new Dictionary<string, int>();
            foreach (var variant in Variants)
                botCounts[variant] = int.Parse((await page.Locator($"#exp-variant-rows tr[data-variant={variant}] td.bots").TextContentAsync())!);
            Assert.Equal(20, botCounts.Values.Sum());
            var grouped = await page.EvaluateAsync<Dictionary<string, string[]>>(
                "() => Object.fromEntries([...document.querySelectorAll('#exp-bot-groups .exp-bot-group')].map(g => [g.dataset.variant, [...g.querySelectorAll('li')].map(li => li.dataset.botId)]))");
            Assert.Equal(botCounts.Where(c => c.Value > 0).Select(c => c.Key).Order(), grouped.Keys.Order());
            foreach (var (variant, bots) in grouped) Assert.Equal(botCounts[variant], bots.Length);

            // The table settles on the server's own figures (the last push after the bots stopped).
            var server = await Eventually.Get(async () =>
                {
                    var results = await site.Http.GetOkJsonAsync($"/api/v1/experiments/{id}/results");
                    var shown = await TableImpressions(page);
                    return (results, shown);
                },
                p => Variants.All(v => p.shown.GetValueOrDefault(v) == Variant(p.results, v).GetProperty("impressions").GetInt64() && p.shown[v] > 0),
                TimeSpan.FromSeconds(15), "the table shows the server's impressions");
            var results = server.results;
            foreach (var variant in Variants)
            {
                var v = Variant(results, variant);
                var cells = page.Locator($"#exp-variant-rows tr[data-variant={variant}]");
                await Expect(cells.Locator("td.users")).ToHaveTextAsync(v.GetProperty("users").GetInt64().ToString());
                await Expect(cells.Locator("td.events")).ToHaveTextAsync(v.GetProperty("events").GetInt64().ToString());
                // The rates as pushed (the cells keep the numbers they print), printed as percentages with one decimal.
                var rate = v.GetProperty("hitRate");
                foreach (var bound in new[] { "value", "low", "high" })
                    Assert.Equal(rate.GetProperty(bound).GetDouble(), double.Parse((await cells.Locator("td.hit-rate").GetAttributeAsync($"data-{bound}"))!, System.Globalization.CultureInfo.InvariantCulture));
                await Expect(cells.Locator("td.hit-rate")).ToHaveTextAsync(new Regex(@"^\d{1,3}\.\d% \[\d{1,3}\.\d%, \d{1,3}\.\d%\]$"));
                Assert.Equal(v.GetProperty("ctr").GetDouble(), double.Parse((await cells.Locator("td.ctr").GetAttributeAsync("data-value"))!, System.Globalization.CultureInfo.InvariantCulture));
                await Expect(cells.Locator("td.ctr")).ToHaveTextAsync(new Regex(@"^\d{1,3}\.\d%$"));
            }
            // The bots named the lists they acted on: their events were attributed.
            Assert.True(Variants.Sum(v => Variant(results, v).GetProperty("events").GetInt64()) > 0, results.ToString());
            // The decision as the server words it.
            var decision = results.GetProperty("decision");
            await Expect(page.Locator("#exp-decision")).ToHaveAttributeAsync("data-status", decision.GetProperty("status").GetString()!);
            await Expect(page.Locator("#exp-decision .exp-reason")).ToHaveTextAsync(decision.GetProperty("reason").GetString()!);
            await Expect(page.Locator("#exp-decision .exp-verdict")).ToHaveTextAsync(new Regex(@"^(Undecided on hit rate|Decided: (learned|popular) wins on hit rate)$"));
            await Expect(page.Locator("#exp-decision")).ToHaveTextAsync(new Regex($"^(Undecided|Decided: \\w+ wins) on hit rate — {Regex.Escape(decision.GetProperty("reason").GetString()!)}$"));

            // Pushed, not polled: the page never read /results, and the hub's frames carried the updates.
            lock (resultsReads) Assert.True(resultsReads.Count == 0, "the page read /results: " + string.Join(", ", resultsReads));
            var pagePushes = int.Parse((await page.Locator("#exp-live").GetAttributeAsync("data-pushes"))!);
            Assert.True(Volatile.Read(ref pushedFrames) >= pagePushes && pagePushes >= 2, $"{pushedFrames} experimentResults frames, {pagePushes} pushes counted by the page");
            await site.ScreenshotAsync(page.Locator("#view-experiments"), "simulator-experiments.png");

            // The variant the page shows for a bot is the server's: a bot asked again lands in the same one.
            foreach (var (variant, bots) in grouped)
            {
                var again = await site.Http.GetOkJsonAsync($"/api/v1/users/{bots[0]}/recommendations?k=1");
                Assert.Equal(id, again.GetProperty("experiment").GetString());
                Assert.Equal(variant, again.GetProperty("variant").GetString());
            }

            // Stop, declare the winner (learned: the default serving already), delete — each from its row.
            await page.GetByRole(AriaRole.Button, new() { Name = $"Stop {id}", Exact = true }).ClickAsync();
            await Expect(page.Locator($"#exp-rows tr[data-experiment-id=\"{id}\"]")).ToHaveAttributeAsync("data-status", "stopped");
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Run bots", Exact = true })).ToBeDisabledAsync(new() { Timeout = 10_000 });
            await page.GetByRole(AriaRole.Combobox, new() { Name = $"Winner of {id}" }).SelectOptionAsync("learned");
            await page.GetByRole(AriaRole.Button, new() { Name = $"Declare winner of {id}", Exact = true }).ClickAsync();
            await Expect(page.Locator($"#exp-rows tr[data-experiment-id=\"{id}\"] td.exp-winner")).ToHaveTextAsync("learned");
            // The push that follows the change says so too.
            await Expect(page.Locator("#exp-decision .exp-declared")).ToContainTextAsync("Declared winner: learned", new() { Timeout = 10_000 });
            Assert.Equal("learned", (await site.Http.GetOkJsonAsync($"/api/v1/experiments/{id}")).GetProperty("winner").GetString());
            await page.GetByRole(AriaRole.Button, new() { Name = $"Delete {id}", Exact = true }).ClickAsync();
            await Expect(page.Locator("#exp-rows")).ToContainTextAsync("No experiments yet");
            await Expect(page.Locator("#exp-results")).ToBeHiddenAsync();
            Assert.Equal(HttpStatusCode.NotFound, (await site.Http.GetAsync($"/api/v1/experiments/{id}")).StatusCode);
            await Expect(page.Locator("#exp-error")).ToBeHiddenAsync();

            lock (resultsReads) Assert.Empty(resultsReads);
            site.AssertNoBrowserErrors();
        }
        finally
        {
            await Remove(id); // a failure must not leave it running: it would serve every user of the class's server
        }
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), $"took {clock.Elapsed}");
    }

    /// <summary>
    /// Opened by its address (#experiments) on a phone: a draft with three variants and a holdout
    /// (the widest row) fits without scrolling the page sideways, and every button is touch-sized.
    /// </summary>
    [SkippableFact]
    public async Task The_tab_opens_by_its_address_and_fits_a_phone()
    {
        var page = await site.NewPageAsync(390, 844);
        var id = ApiTestKit.NewId("phone");
        var created = await site.Http.PostAsJsonAsync("/api/v1/experiments", new
        {
            id,
            name = "Three ways to serve",
            holdout = 0.1,
            variants = new object[]
            {
                new { name = "learned", share = 1, serving = new { strategy = "learned" } },
                new { name = "blend", share = 1, serving = new { strategy = "learned", popularShare = 0.3, exploration = 0.1 } },
                new { name = "popular", share = 1, serving = new { strategy = "popular", applyRules = false } },
            },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        try
        {
            await page.GotoAsync(site.Url("/#experiments"));
            await Expect(page.GetByRole(AriaRole.Tab, new() { Name = "Experiments" })).ToHaveAttributeAsync("aria-selected", "true", new() { Timeout = 20_000 });
            var row = page.Locator($"#exp-rows tr[data-experiment-id=\"{id}\"]");
            await Expect(row).ToHaveAttributeAsync("data-status", "draft");
            await Expect(row.Locator("li[data-variant=blend]")).ToContainTextAsync("30% popular mixed in, exploration 0.1");
            await Expect(row).ToContainTextAsync("holdout 10%");
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = $"Start {id}", Exact = true })).ToBeVisibleAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = $"Show results of {id}", Exact = true }).ClickAsync();
            await Expect(page.Locator("#exp-results")).ToHaveAttributeAsync("data-experiment-id", id);
            await Expect(row).ToHaveAttributeAsync("aria-current", "true");
            await Expect(page.Locator("#exp-chart-empty")).ToBeVisibleAsync();
            await Expect(page.Locator("#exp-variant-rows tr")).ToHaveCountAsync(4); // three variants and the holdout

            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
            Assert.True(overflow <= 0, $"the page scrolls sideways by {overflow}px at 390px");
            var smallest = await page.EvaluateAsync<double[]>(
                "() => [...document.querySelectorAll('.tabs button, #view-experiments button')].filter(b => b.getClientRects().length > 0)" +
                ".map(b => b.getBoundingClientRect()).reduce(([w, h], r) => [Math.min(w, r.width), Math.min(h, r.height)], [1e9, 1e9])");
            Assert.True(smallest[0] >= 44 && smallest[1] >= 44, $"smallest touch target {smallest[0]}x{smallest[1]}px");
            await site.ScreenshotAsync(page, "simulator-experiments-phone.png", fullPage: false);

            // Back to the simulator: its view again, the address without the tab.
            await page.GetByRole(AriaRole.Tab, new() { Name = "Simulator" }).ClickAsync();
            await Expect(page.Locator("#view-experiments")).ToBeHiddenAsync();
            await Expect(page.Locator("#ranking > li.card")).ToHaveCountAsync(10);
            Assert.DoesNotContain("#", page.Url);
            site.AssertNoBrowserErrors();
        }
        finally
        {
            Assert.Equal(HttpStatusCode.NoContent, (await site.Http.DeleteAsync($"/api/v1/experiments/{id}")).StatusCode);
        }
    }

    /// <summary>Stops (when running) and deletes the experiment, if it is still there.</summary>
    private async Task Remove(string id)
    {
        var found = await site.Http.GetAsync($"/api/v1/experiments/{id}");
        if (found.StatusCode == HttpStatusCode.NotFound) return;
        if ((await found.OkJsonAsync()).GetProperty("status").GetString() == "running")
            (await site.Http.PostAsync($"/api/v1/experiments/{id}/stop", null)).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.NoContent, (await site.Http.DeleteAsync($"/api/v1/experiments/{id}")).StatusCode);
    }

    /// <summary>Each variant's line in the chart: the impressions of its points, in time order.</summary>
    private static async Task<Dictionary<string, long[]>> ChartLines(IPage page) =>
        await page.EvaluateAsync<Dictionary<string, long[]>>(
            "() => Object.fromEntries((Chart.getChart('exp-chart')?.data.datasets ?? []).filter(d => !d.band).map(d => [d.label, d.data.map(p => p.impressions)]))");

    private static async Task<Dictionary<string, long>> TableImpressions(IPage page) =>
        await page.EvaluateAsync<Dictionary<string, long>>(
            "() => Object.fromEntries([...document.querySelectorAll('#exp-variant-rows tr')].map(tr => [tr.dataset.variant, Number(tr.querySelector('td.impressions').textContent)]))");

    private static JsonElement Variant(JsonElement results, string name) =>
        results.GetProperty("variants").EnumerateArray().Single(v => v.GetProperty("name").GetString() == name);

}

/// <summary>
/// Twenty bots and a demo server of their own: run alone, so they neither slow down the simulator
/// tests' timing checks (the learning state's hold) nor are slowed by them (the machine has few cores).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ExperimentsTabCollection
{
    public const string Name = "Experiments tab";
}
