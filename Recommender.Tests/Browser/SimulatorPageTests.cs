using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Recommender.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Recommender.Tests.Browser;

/// <summary>
/// The simulator page (Recommender.Api/wwwroot) in Debian's headless Chromium, driven by Playwright,
/// against the API as a child process in local mode with the demo catalog: a like and a rating
/// come back as pushed rankings, the bots panel runs, the page fits a phone, the console stays clean.
/// </summary>
public sealed partial class SimulatorPageTests(SimulatorPageTests.Site site) : IClassFixture<SimulatorPageTests.Site>
{
    public const string ChromiumPath = "/usr/bin/chromium";

    [SkippableFact]
    public async Task A_like_and_a_rating_come_back_as_pushed_rankings()
    {
        var page = await site.NewPageAsync(1366, 900);

        await page.GotoAsync(site.Url("/"));
        await Expect(page.Locator("#connection")).ToHaveClassAsync(new Regex("conn-connected"), new() { Timeout = 15_000 });
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-ready", "true");
        var cards = page.Locator("#ranking > li.card");
        await Expect(cards).ToHaveCountAsync(10);
        var userId = await page.Locator("#user-id").InputValueAsync();
        Assert.StartsWith("web-", userId);

        // Like the first item: the push brings a ranking without it and the latency indicator a number.
        var liked = (await cards.First.Locator(".item-title").TextContentAsync())!.Trim();
        await page.GetByRole(AriaRole.Button, new() { Name = $"Like {liked}", Exact = true }).ClickAsync();
        await ExpectPushedLatency(page);
        await Expect(page.Locator("#history li").First).ToContainTextAsync($"Liked {liked}");
        await Expect(page.Locator("#history li").First.Locator(".st-ok")).ToBeVisibleAsync();
        await Expect(page.Locator("#removed-list")).ToContainTextAsync(liked);
        await Expect(page.Locator($"#ranking .item-title", new() { HasTextString = liked })).ToHaveCountAsync(0);
        await Expect(cards).ToHaveCountAsync(10);

        // Five stars for the (new) first item.
        var rated = (await cards.First.Locator(".item-title").TextContentAsync())!.Trim();
        await page.GetByRole(AriaRole.Button, new() { Name = $"Rate {rated} 5 stars", Exact = true }).ClickAsync();
        await Expect(page.Locator("#history li").First).ToContainTextAsync($"Rated {rated}");
        await Expect(page.Locator("#history li").First.Locator(".st-ok")).ToBeVisibleAsync();
        await ExpectPushedLatency(page);

        // The profile panel catches up from GET /api/v1/users/{id}.
        await Expect(page.Locator("#profile .count[data-type=like] dd")).ToHaveTextAsync("1");
        await Expect(page.Locator("#profile .count[data-type=rating] dd")).ToHaveTextAsync("1");
        await Expect(page.Locator("#profile .cats li").First).ToBeVisibleAsync();

        // What the page showed is what the server holds.
        var profile = await site.Http.GetFromJsonAsync<ProfileProbe>($"/api/v1/users/{userId}");
        Assert.Equal(2, profile!.TotalEvents);

        await site.ScreenshotAsync(page, "simulator-desktop.png");
        site.AssertNoBrowserErrors();
    }

    [SkippableFact]
    public async Task Taste_bots_run_and_chart_their_precision()
    {
        // RECO_UPDATE_SCREENSHOT=1 makes this the acceptance run of the demonstration (10 bots × 30
        // interactions), whose summary line must then show what TasteBotTests asserts through the API
        // and docs/screenshot-bots.png shows it (docs/screenshot.png comes from
        // Since_you_started_compares_the_list_with_the_first_one).
        var forDocs = Environment.GetEnvironmentVariable("RECO_UPDATE_SCREENSHOT") == "1";
        var (bots, steps) = forDocs ? (10, 30) : (2, 5);
        // The demo catalogue's first model (the bots are meant to meet a trained, self-tuned service).
        await Eventually.Get(async () => (await site.Http.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/model")).GetProperty("version").GetInt64(),
            version => version >= 1, TimeSpan.FromSeconds(90), "the demo catalogue's first model is trained");
        var page = await site.NewPageAsync(1366, 900);
        await page.GotoAsync(site.Url("/"));
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-ready", "true", new() { Timeout = 15_000 });

        var cards = page.Locator("#ranking > li.card");
        await Expect(cards).ToHaveCountAsync(10);
        var liked = (await cards.First.Locator(".item-title").TextContentAsync())!.Trim();
        await page.GetByRole(AriaRole.Button, new() { Name = $"Like {liked}", Exact = true }).ClickAsync();
        await ExpectPushedLatency(page);
        var rated = (await cards.Nth(1).Locator(".item-title").TextContentAsync())!.Trim();
        await page.GetByRole(AriaRole.Button, new() { Name = $"Rate {rated} 4 stars", Exact = true }).ClickAsync();
        await Expect(page.Locator("#history li").First).ToContainTextAsync($"Rated {rated}");
        await ExpectPushedLatency(page);

        await page.Locator("#bot-count").FillAsync(bots.ToString());
        await page.Locator("#bot-steps").FillAsync(steps.ToString());
        await page.Locator("#bot-pause").FillAsync("0");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start bots" }).ClickAsync();
        await Expect(page.Locator("#bots-rows tr")).ToHaveCountAsync(bots);
        await Expect(page.Locator("#bots-form")).ToHaveAttributeAsync("data-running", "false", new() { Timeout = 240_000 });
        // Each bot sent its interactions (fewer only if it ran out of items of its taste), and the
        // chart has one point per ranking read: before each interaction and after the last.
        var sent = new List<int>();
        foreach (var row in await page.Locator("#bots-rows tr").AllAsync())
        {
            await Expect(row.Locator("td").Nth(2)).ToHaveTextAsync(new Regex(@"^\d+ ✓"));
            await Expect(row.Locator("td").Nth(3)).ToHaveTextAsync(new Regex(@"^\d+%$"));
            var text = (await row.Locator("td").Nth(2).TextContentAsync())!;
            sent.Add(int.Parse(text[..text.IndexOf(' ')]));
            if (!text.Contains("taste used up")) Assert.Equal(steps, sent[^1]);
        }
        var points = await page.EvaluateAsync<int[]>("() => Chart.getChart('bots-chart').data.datasets.map(d => d.data.length)");
        Assert.Equal(sent.Select(n => n + 1), points);
        // Every bot has a taste of its own, and the panel says what serves and why.
        var tastes = await page.Locator("#bots-rows tr td:nth-child(2)").AllTextContentsAsync();
        Assert.Equal(bots, tastes.Distinct().Count());
        await Expect(page.Locator("#model-serving")).ToContainTextAsync("Serving:");
        await Expect(page.Locator("#model-reason")).ToContainTextAsync("validation");
        if (forDocs)
        {
            var summary = (await page.Locator("#bots-summary").TextContentAsync())!;
            var median = int.Parse(Regex.Match(summary, @": (\d+)% over").Groups[1].Value);
            var below = int.Parse(Regex.Match(summary, @"below 50%: (\d+)").Groups[1].Value);
            Assert.True(median >= 80 && below == 0, summary);
        }

        await site.ScreenshotAsync(page, "simulator-bots.png");
        // The demonstration's picture is the bots panel itself: a full page would carry the sticky strip over the list.
        await site.ScreenshotAsync(page.Locator(".bots-panel"), "simulator-bots-panel.png", docsName: "screenshot-bots.png");
        site.AssertNoBrowserErrors();
    }

    [SkippableFact]
    public async Task The_page_fits_a_phone_with_touch_sized_buttons()
    {
        var page = await site.NewPageAsync(390, 844, ColorScheme.Dark);
        await page.GotoAsync(site.Url("/"));
        await Expect(page.Locator("#ranking > li.card")).ToHaveCountAsync(10, new() { Timeout = 15_000 });

        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"the page scrolls sideways by {overflow}px at 390px");
        var smallest = await page.EvaluateAsync<double[]>(
            "() => [...document.querySelectorAll('#ranking button, #user-form button, #bots-form button')].filter(b => b.getClientRects().length > 0)" +
            ".map(b => b.getBoundingClientRect()).reduce(([w, h], r) => [Math.min(w, r.width), Math.min(h, r.height)], [1e9, 1e9])");
        Assert.True(smallest[0] >= 44 && smallest[1] >= 44, $"smallest touch target {smallest[0]}x{smallest[1]}px");

        await site.ScreenshotAsync(page, "simulator-phone.png", fullPage: false);
        site.AssertNoBrowserErrors();
    }

    [SkippableFact]
    public async Task Without_the_hub_the_page_says_so_uses_REST_and_reconnects()
    {
        var page = await site.NewPageAsync(1366, 900);
        // The hub is unreachable: negotiate fails (the browser logs those failures; not asserted here).
        await page.RouteAsync("**/hubs/recommendations/**", route => route.AbortAsync());
        await page.GotoAsync(site.Url("/"));
        await Expect(page.Locator("#connection")).ToHaveClassAsync(new Regex("conn-disconnected|conn-reconnecting"), new() { Timeout = 15_000 });
        await Expect(page.Locator("#fallback-banner")).ToBeVisibleAsync();
        var cards = page.Locator("#ranking > li.card");
        await Expect(cards).ToHaveCountAsync(10);

        var liked = (await cards.First.Locator(".item-title").TextContentAsync())!.Trim();
        await page.GetByRole(AriaRole.Button, new() { Name = $"Like {liked}", Exact = true }).ClickAsync();
        await Expect(page.Locator("#learning")).ToContainTextAsync(new Regex(@"\d+(\.\d)? ms \(REST fallback\)"));
        await Expect(page.Locator($"#ranking .item-title", new() { HasTextString = liked })).ToHaveCountAsync(0);

        // The hub comes back: the page reconnects by itself, watches the user again, pushes resume.
        await page.UnrouteAsync("**/hubs/recommendations/**");
        await Expect(page.Locator("#connection")).ToHaveClassAsync(new Regex("conn-connected"), new() { Timeout = 30_000 });
        await Expect(page.Locator("#fallback-banner")).ToBeHiddenAsync();
        var disliked = (await cards.First.Locator(".item-title").TextContentAsync())!.Trim();
        await page.GetByRole(AriaRole.Button, new() { Name = $"Dislike {disliked}", Exact = true }).ClickAsync();
        await ExpectPushedLatency(page);
        await Expect(page.Locator("#history li").First).ToContainTextAsync($"Disliked {disliked}");

        // A refused event: the problem details are shown readably, the history marks it failed.
        await page.RouteAsync("**/api/v1/events", route => route.FulfillAsync(new()
        {
            Status = 400,
            ContentType = "application/problem+json",
            Body = """{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"The request is invalid.","status":400,"errors":{"itemId":["itemId must be 1-128 characters."]}}""",
        }));
        var bought = (await cards.First.Locator(".item-title").TextContentAsync())!.Trim();
        await page.GetByRole(AriaRole.Button, new() { Name = $"Purchase {bought}", Exact = true }).ClickAsync();
        await Expect(page.Locator("#errors .error").First).ToContainTextAsync("The request is invalid. (400, POST /api/v1/events)");
        await Expect(page.Locator("#errors .error").First).ToContainTextAsync("itemId: itemId must be 1-128 characters.");
        await Expect(page.Locator("#history li").First.Locator(".st-failed")).ToBeVisibleAsync();
        await Expect(page.Locator("#learning")).Not.ToHaveAttributeAsync("data-state", "learning");
        await site.ScreenshotAsync(page, "simulator-error.png", fullPage: false);
    }

    [SkippableFact]
    public async Task The_learning_state_is_held_in_view_and_stays_there_lower_in_the_list()
    {
        var page = await site.NewPageAsync(1366, 768);
        await page.GotoAsync(site.Url("/"));
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-ready", "true", new() { Timeout = 15_000 });
        var cards = page.Locator("#ranking > li.card");
        await Expect(cards).ToHaveCountAsync(10);
        await Expect(page.Locator("#connection")).ToHaveClassAsync(new Regex("conn-connected"));

        // Sample the banner every 20 ms: is it saying "learning" and on screen? And when did the
        // click happen and the pushed ranking land (the latency shown must be that, not the hold)?
        await page.EvaluateAsync("""
            () => {
              const learning = document.getElementById('learning');
              const probe = window.__learning = { samples: [], clickAt: null, rankedAt: null };
              const started = performance.now();
              document.addEventListener('click', () => { probe.clickAt ??= performance.now(); }, { capture: true });
              new MutationObserver(() => { probe.rankedAt ??= performance.now(); }).observe(document.getElementById('ranking'), { childList: true });
              const timer = setInterval(() => {
                const r = learning.getBoundingClientRect();
                probe.samples.push({
                  t: performance.now(),
                  on: learning.dataset.state === 'learning' && learning.textContent.includes('Learning from your interaction')
                    && r.width > 0 && r.height > 0 && r.top >= 0 && r.bottom <= innerHeight,
                });
                if (performance.now() - started > 60_000) clearInterval(timer);
              }, 20);
            }
            """);
        var liked = (await cards.First.Locator(".item-title").TextContentAsync())!.Trim();
        await page.GetByRole(AriaRole.Button, new() { Name = $"Like {liked}", Exact = true }).ClickAsync();
        await ExpectPushedLatency(page);
        var held = await page.EvaluateAsync<double[]>("""
            () => {
              const { samples, clickAt, rankedAt } = window.__learning;
              const first = samples.findIndex(s => s.on);
              let last = first;
              while (first >= 0 && last + 1 < samples.length && samples[last + 1].on) last++;
              // Held from the click until the first sample that sees it gone. Not from the first to
              // the last "on" sample: on two busy cores a 20 ms tick can come 100+ ms late, and CI
              // measured 755 ms that way for a banner held the full 900 ms.
              const gone = last + 1 < samples.length ? samples[last + 1].t : samples[last].t;
              return [first < 0 ? 0 : gone - clickAt, rankedAt - clickAt];
            }
            """);
        Assert.True(held[0] >= 900, $"the learning banner was gone {held[0]:0} ms after the click (held 900 ms)");
        var latency = int.Parse((await page.Locator("#learning").GetAttributeAsync("data-latency-ms"))!);
        Assert.True(Math.Abs(latency - held[1]) <= 60, $"shown {latency} ms, the pushed ranking landed {held[1]:0} ms after the click");

        // Acting on the tenth card, far down: the banner and the newest interaction are in view.
        var tenth = cards.Nth(9);
        var viewed = (await tenth.Locator(".item-title").TextContentAsync())!.Trim();
        // The sampler again, from this click: the 900 ms hold can be over before a slow machine
        // gets through the checks below, so whether the banner was in view while learning is read
        // from the samples, not from the page afterwards.
        await page.EvaluateAsync("() => { const p = window.__learning; p.samples = []; p.clickAt = null; p.rankedAt = null; }");
        await page.GetByRole(AriaRole.Button, new() { Name = $"View {viewed}", Exact = true }).ClickAsync();
        Assert.True(await page.EvaluateAsync<double>("() => window.scrollY") > 200, "the tenth card was reached by scrolling");
        await Expect(page.Locator("#latest")).ToContainTextAsync($"Viewed {viewed}");
        await ExpectPushedLatency(page);
        Assert.True(await page.EvaluateAsync<bool>("() => window.__learning.samples.some(s => s.on && s.t >= window.__learning.clickAt)"),
            "the learning banner was not in view saying learning after the tenth card's View");
        await Expect(page.Locator("#latest .st-ok")).ToBeVisibleAsync();
        await AssertInViewport(page, page.Locator("#latest"), "the latest interaction");
        await AssertInViewport(page, page.Locator("#learning"), "the latency");
        site.AssertNoBrowserErrors();
    }

    [SkippableFact]
    public async Task On_a_phone_the_learning_state_and_the_latest_interaction_stay_in_view()
    {
        var page = await site.NewPageAsync(390, 844);
        await page.GotoAsync(site.Url("/"));
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-ready", "true", new() { Timeout = 15_000 });
        var cards = page.Locator("#ranking > li.card");
        await Expect(cards).ToHaveCountAsync(10);

        var liked = (await cards.Nth(6).Locator(".item-title").TextContentAsync())!.Trim();
        await page.GetByRole(AriaRole.Button, new() { Name = $"Like {liked}", Exact = true }).ClickAsync();
        await Expect(page.Locator("#latest")).ToContainTextAsync($"Liked {liked}");
        await AssertInViewport(page, page.Locator("#learning"), "the learning banner");
        await ExpectPushedLatency(page);
        await AssertInViewport(page, page.Locator("#latest"), "the latest interaction");
        await AssertInViewport(page, page.Locator("#learning"), "the latency");
        await site.ScreenshotAsync(page, "simulator-phone-strip.png", fullPage: false);

        // The whole history is one tap away.
        await page.Locator("#latest-link").ClickAsync();
        await AssertInViewport(page, page.Locator("#history li").First, "the history");
        site.AssertNoBrowserErrors();
    }

    [SkippableFact]
    public async Task Since_you_started_compares_the_list_with_the_first_one()
    {
        var page = await site.NewPageAsync(1366, 768);
        await page.GotoAsync(site.Url("/"));
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-ready", "true", new() { Timeout = 15_000 });
        var cards = page.Locator("#ranking > li.card");
        await Expect(cards).ToHaveCountAsync(10);
        var first = await ReadRanking(page);

        // A few interactions that change the list: two dislikes and a purchase.
        foreach (var (action, index) in new[] { ("Dislike", 0), ("Dislike", 0), ("Purchase", 2) })
        {
            var title = (await cards.Nth(index).Locator(".item-title").TextContentAsync())!.Trim();
            await page.GetByRole(AriaRole.Button, new() { Name = $"{action} {title}", Exact = true }).ClickAsync();
            await ExpectPushedLatency(page);
        }
        var now = await ReadRanking(page);
        var added = now.Where(n => first.All(f => f.ItemId != n.ItemId)).ToList();
        var left = first.Where(f => now.All(n => n.ItemId != f.ItemId)).ToList();
        Assert.NotEmpty(added);
        Assert.NotEmpty(left);

        await Expect(page.Locator("#since-heading")).ToHaveTextAsync($"Since you started: {added.Count} new in your top 10 · {left.Count} left");
        await Expect(page.Locator("#since-new li[data-item-id]")).ToHaveCountAsync(added.Count);
        foreach (var item in added)
        {
            var row = page.Locator($"#since-new li[data-item-id=\"{item.ItemId}\"]");
            await Expect(row).ToContainTextAsync($"#{item.Rank} {item.Title} {item.Score}");
        }
        await Expect(page.Locator("#since-left li[data-item-id]")).ToHaveCountAsync(left.Count);
        foreach (var item in left)
        {
            var row = page.Locator($"#since-left li[data-item-id=\"{item.ItemId}\"]");
            await Expect(row).ToContainTextAsync($"{item.Title} was #{item.Rank}");
        }

        // The documentation's picture: the sticky strip over the last cards and this panel.
        await page.Locator("#since").ScrollIntoViewIfNeededAsync();
        await page.EvaluateAsync("() => document.getElementById('since').scrollIntoView({ block: 'end' })");
        await site.ScreenshotAsync(page, "simulator-since.png", docsName: "screenshot.png", fullPage: false);

        // Another user starts another session: the comparison starts again from their first list.
        var other = $"since-{Guid.NewGuid():N}"[..14];
        Assert.True((await site.Http.PostAsJsonAsync("/api/v1/events", new { userId = other, itemId = left[0].ItemId, type = "view" })).IsSuccessStatusCode);
        await Eventually.Get(async () => (await site.Http.GetAsync($"/api/v1/users/{other}")).IsSuccessStatusCode, ok => ok, TimeSpan.FromSeconds(20), "the other user exists");
        await page.Locator("#user-id").FillAsync(other);
        await page.GetByRole(AriaRole.Button, new() { Name = "Get Recommendations", Exact = true }).ClickAsync();
        await Expect(page.Locator("#since-heading")).ToHaveTextAsync("Since you started: the same top 10 as your first list");
        await Expect(page.Locator("#since-new li[data-item-id]")).ToHaveCountAsync(0);
        site.AssertNoBrowserErrors();
    }

    [SkippableFact]
    public async Task A_rating_is_explained_as_positive_evidence_and_never_read_as_a_like()
    {
        var version = await Eventually.Get(async () => await site.Http.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/model"),
            model => model.GetProperty("version").GetInt64() >= 1, TimeSpan.FromSeconds(90), "the demo catalogue's first model is trained");
        var page = await site.NewPageAsync(1366, 900);
        await page.GotoAsync(site.Url("/"));
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-ready", "true", new() { Timeout = 15_000 });

        // The help says what a 1★ rating weighs under the exponent the training chose.
        var help = page.Locator("#rating-help");
        await Expect(help).ToHaveAttributeAsync("data-rating-exponent", new Regex(@"^\d"));
        var model = await site.Http.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/model");
        var evidence = model.GetProperty("choice").GetProperty("evidence").GetString()!;
        var exponent = double.Parse(Regex.Match(evidence, @"rating\^([\d.]+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        await Expect(help).ToHaveAttributeAsync("data-rating-exponent", exponent.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(help).ToContainTextAsync(exponent == 0
            ? "every rating counts the same, 1★ as much as 5★"
            : $"A rating is positive evidence weighted by its stars: with the current model 1★ counts {Math.Round(100 * Math.Pow(0.2, exponent))} % of 5★.");
        await Expect(help).ToContainTextAsync("To say no, use Dislike.");
        await Expect(page.Locator("#ranking .stars").First).ToHaveAttributeAsync("aria-describedby", "rating-help");

        // One star: "Rated", with one star, and no "liked" anywhere for it.
        var cards = page.Locator("#ranking > li.card");
        var rated = (await cards.First.Locator(".item-title").TextContentAsync())!.Trim();
        await page.GetByRole(AriaRole.Button, new() { Name = $"Rate {rated} 1 star", Exact = true }).ClickAsync();
        await ExpectPushedLatency(page);
        await Expect(page.Locator("#history li").First).ToContainTextAsync($"Rated {rated} ★☆☆☆☆");
        await Expect(page.Locator("#latest")).ToContainTextAsync($"Rated {rated}");
        if (await page.Locator("#removed-list li", new() { HasTextString = rated }).CountAsync() > 0)
            await Expect(page.Locator("#removed-list li", new() { HasTextString = rated })).ToContainTextAsync("you rated it 1★");
        await Expect(page.Locator("body")).Not.ToContainTextAsync(new Regex($"liked {Regex.Escape(rated)}", RegexOptions.IgnoreCase));
        site.AssertNoBrowserErrors();
    }

    [SkippableFact]
    public async Task Earlier_interactions_loaded_from_the_server_show_titles()
    {
        // A user with two interactions from before this page, on items no ranking will show (liked
        // and viewed items are the user's own, not recommended back).
        var userId = $"hist-{Guid.NewGuid():N}"[..13];
        var catalogue = await site.Http.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/items?sort=id&limit=50");
        var items = catalogue.GetProperty("items").EnumerateArray().Skip(40).Take(2)
            .Select(i => (Id: i.GetProperty("itemId").GetString()!, Title: i.GetProperty("title").GetString()!)).ToArray();
        var sent = await site.Http.PostAsJsonAsync("/api/v1/events", new object[]
        {
            new { userId, itemId = items[0].Id, type = "like" },
            new { userId, itemId = items[1].Id, type = "view" },
        });
        Assert.True(sent.IsSuccessStatusCode, await sent.Content.ReadAsStringAsync());
        await Eventually.Get(async () => (await site.Http.GetAsync($"/api/v1/users/{userId}")).IsSuccessStatusCode, ok => ok, TimeSpan.FromSeconds(20), "the user exists");

        var page = await site.NewPageAsync(1366, 900);
        await page.GotoAsync(site.Url($"/?user={userId}"));
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-ready", "true", new() { Timeout = 15_000 });
        var history = page.Locator("#history li");
        await Expect(history).ToHaveCountAsync(2);
        await Expect(page.Locator($"#history li[data-item-id=\"{items[0].Id}\"] .hist-title")).ToHaveTextAsync(items[0].Title);
        await Expect(page.Locator($"#history li[data-item-id=\"{items[1].Id}\"] .hist-title")).ToHaveTextAsync(items[1].Title);
        await Expect(page.Locator("#history")).ToContainTextAsync($"Liked {items[0].Title}");
        await Expect(page.Locator("#history")).ToContainTextAsync($"Viewed {items[1].Title}");
        site.AssertNoBrowserErrors();
    }

    [SkippableFact]
    public async Task A_Top_k_change_keeps_the_session_history_with_its_latencies()
    {
        var page = await site.NewPageAsync(1366, 900);
        await page.GotoAsync(site.Url("/"));
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-ready", "true", new() { Timeout = 15_000 });
        var history = page.Locator("#history li");
        var cards = page.Locator("#ranking > li.card");
        await Expect(cards).ToHaveCountAsync(10);
        var liked = (await cards.First.Locator(".item-title").TextContentAsync())!.Trim();
        await page.GetByRole(AriaRole.Button, new() { Name = $"Like {liked}", Exact = true }).ClickAsync();
        await ExpectPushedLatency(page);
        var latency = (await history.First.Locator(".st-ok").TextContentAsync())!;
        Assert.Matches(@"^✓ \d", latency);

        await page.Locator("#k").SelectOptionAsync("5");
        await Expect(cards).ToHaveCountAsync(5);
        await Expect(page.Locator("#ranking-meta")).Not.ToHaveTextAsync("loading…");
        await page.WaitForTimeoutAsync(500); // the profile answer that used to replace the session's entries
        await Expect(history).ToHaveCountAsync(1);
        await Expect(history.First).ToContainTextAsync($"Liked {liked}");
        await Expect(history.First.Locator(".st-ok")).ToHaveTextAsync(latency);
        await Expect(page.Locator("#latest .st-ok")).ToHaveTextAsync(latency);
        site.AssertNoBrowserErrors();
    }

    [SkippableFact]
    public async Task After_a_rating_no_star_is_lit_until_the_mouse_moves()
    {
        var page = await site.NewPageAsync(1366, 900);
        await page.GotoAsync(site.Url("/"));
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-ready", "true", new() { Timeout = 15_000 });
        var cards = page.Locator("#ranking > li.card");
        await Expect(cards).ToHaveCountAsync(10);

        const string litStars = """
            () => {
              const probe = document.createElement('span');
              probe.style.color = 'var(--star)';
              document.body.append(probe);
              const lit = getComputedStyle(probe).color;
              probe.remove();
              return [...document.querySelectorAll('#ranking .star')].filter(s => getComputedStyle(s).color === lit).map(s => s.getAttribute('aria-label'));
            }
            """;
        var rated = (await cards.First.Locator(".item-title").TextContentAsync())!.Trim();
        await page.GetByRole(AriaRole.Button, new() { Name = $"Rate {rated} 5 stars", Exact = true }).ClickAsync(); // the mouse, not a synthetic click
        await ExpectPushedLatency(page);
        await Expect(page.Locator($"#ranking .item-title", new() { HasTextString = rated })).ToHaveCountAsync(0);
        await page.WaitForTimeoutAsync(300); // Chromium re-evaluates :hover under the resting pointer after layout
        Assert.Empty(await page.EvaluateAsync<string[]>(litStars));

        // A real movement over the new first card's stars lights them as before.
        var box = (await cards.First.Locator(".star").Nth(2).BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(box.X + box.Width / 2, box.Y + box.Height / 2, new() { Steps = 3 });
        var lit = await Eventually.Get(async () => await page.EvaluateAsync<string[]>(litStars), l => l.Length == 3, TimeSpan.FromSeconds(5), "hovering the third star lights three");
        var hovered = (await cards.First.Locator(".item-title").TextContentAsync())!.Trim();
        Assert.All(lit, label => Assert.StartsWith($"Rate {hovered} ", label));
        site.AssertNoBrowserErrors();
    }

    [SkippableFact]
    public async Task Cards_offer_Click_and_the_load_button_says_Get_Recommendations()
    {
        var page = await site.NewPageAsync(390, 844);
        await page.GotoAsync(site.Url("/"));
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-ready", "true", new() { Timeout = 15_000 });
        var cards = page.Locator("#ranking > li.card");
        await Expect(cards).ToHaveCountAsync(10);
        var clicked = (await cards.Nth(1).Locator(".item-title").TextContentAsync())!.Trim();
        var click = page.GetByRole(AriaRole.Button, new() { Name = $"Click {clicked}", Exact = true });
        var box = (await click.BoundingBoxAsync())!;
        Assert.True(box.Width >= 44 && box.Height >= 44, $"the Click button is {box.Width}×{box.Height}px");
        await click.ClickAsync();
        await ExpectPushedLatency(page);
        await Expect(page.Locator("#history li").First).ToContainTextAsync($"Clicked {clicked}");
        await Expect(page.Locator("#profile .count[data-type=click] dd")).ToHaveTextAsync("1");

        // The seed's wording on the load button; the form still loads the typed user.
        var userId = (await page.Locator("#user-id").InputValueAsync())!;
        await page.Locator("#k").SelectOptionAsync("5");
        await Expect(cards).ToHaveCountAsync(5);
        await page.GetByRole(AriaRole.Button, new() { Name = "Get Recommendations", Exact = true }).ClickAsync();
        await Expect(page.Locator("#ranking-user")).ToHaveTextAsync(userId);
        await Expect(cards).ToHaveCountAsync(5);
        site.AssertNoBrowserErrors();
    }

    [SkippableFact]
    public async Task A_bot_keeps_its_swatch_beside_its_name()
    {
        var page = await site.NewPageAsync(1366, 900);
        await page.GotoAsync(site.Url("/"));
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-ready", "true", new() { Timeout = 15_000 });
        await page.Locator("#bot-count").FillAsync("10");
        await page.Locator("#bot-steps").FillAsync("1");
        await page.Locator("#bot-pause").FillAsync("0");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start bots" }).ClickAsync();
        await Expect(page.Locator("#bots-form")).ToHaveAttributeAsync("data-running", "false", new() { Timeout = 60_000 });
        var rows = page.Locator("#bots-rows tr");
        await Expect(rows).ToHaveCountAsync(10);

        // Every width the layout passes through, the two-column table beside the chart included.
        var apart = new List<string>();
        foreach (var width in new[] { 1366, 1200, 1100, 1000, 950, 901, 900, 700, 560, 390, 320 })
        {
            await page.SetViewportSizeAsync(width, 900);
            foreach (var row in await rows.AllAsync())
            {
                var swatch = (await row.Locator(".swatch").BoundingBoxAsync())!;
                var name = (await row.Locator("button.linkish").BoundingBoxAsync())!;
                var (swatchMiddle, nameMiddle) = (swatch.Y + swatch.Height / 2, name.Y + name.Height / 2);
                if (Math.Abs(swatchMiddle - nameMiddle) > 4 || swatch.X > name.X)
                    apart.Add($"{width}px: swatch at ({swatch.X:0},{swatch.Y:0}), name at ({name.X:0},{name.Y:0}) {name.Width:0}×{name.Height:0}");
            }
        }
        Assert.True(apart.Count == 0, "swatch and bot name on different lines:\n" + string.Join("\n", apart));
        site.AssertNoBrowserErrors();
    }

    private static async Task AssertInViewport(IPage page, ILocator locator, string what)
    {
        var box = await locator.BoundingBoxAsync();
        var height = page.ViewportSize!.Height;
        Assert.True(box is { Width: > 0, Height: > 0 } && box.Y >= 0 && box.Y + box.Height <= height,
            $"{what} is not within the {page.ViewportSize.Width}×{height} viewport: {(box is null ? "no box" : $"y {box.Y:0}, height {box.Height:0}")}");
    }

    private sealed class CardProbe
    {
        public string ItemId { get; set; } = "";
        public int Rank { get; set; }
        public string Title { get; set; } = "";
        public string Score { get; set; } = "";
    }

    private static async Task<List<CardProbe>> ReadRanking(IPage page) =>
        [.. await page.EvaluateAsync<CardProbe[]>("""
            () => [...document.querySelectorAll('#ranking > li.card')].map(li => ({
              ItemId: li.dataset.itemId, Rank: Number(li.dataset.rank),
              Title: li.querySelector('.item-title').textContent.trim(), Score: li.querySelector('.score-value').textContent.trim() }))
            """)];

    /// <summary>
    /// The filter box: the popular top 10 get a <c>shade</c> (red at odd ranks) and a <c>price</c>;
    /// <c>shade = 'red'</c> narrows the list and the hub's watch to the red ones, a like's push stays
    /// red, each card shows its properties, and an expression that does not parse shows the server's
    /// position and reason under the box, the list untouched.
    /// </summary>
    [SkippableFact]
    public async Task The_filter_box_narrows_the_list_and_its_pushes_and_shows_a_refused_filter_inline()
    {
        var page = await site.NewPageAsync(1366, 900);
        var popular = await site.Http.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/popular?k=10");
        var ids = popular.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("itemId").GetString()!).ToArray();
        for (var i = 0; i < ids.Length; i++)
        {
            var body = System.Text.Json.JsonSerializer.Serialize(new { properties = new { shade = i % 2 == 0 ? "red" : "blue", price = 10 * (i + 1), tags = new[] { "demo", $"t{i}" } } });
            var patch = new StringContent(body, System.Text.Encoding.UTF8, "application/merge-patch+json");
            (await site.Http.PatchAsync($"/api/v1/items/{ids[i]}", patch)).EnsureSuccessStatusCode();
        }
        var red = ids.Where((_, i) => i % 2 == 0).ToHashSet();
        await Eventually.Get(
            async () => (await site.Http.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/items?filter=" + Uri.EscapeDataString("shade = 'red'"))).GetProperty("total").GetInt32(),
            total => total == red.Count, TimeSpan.FromSeconds(20), "the red items are indexed");

        await page.GotoAsync(site.Url("/"));
        await Expect(page.Locator("#connection")).ToHaveClassAsync(new Regex("conn-connected"), new() { Timeout = 15_000 });
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-ready", "true");
        var cards = page.Locator("#ranking > li.card");
        await Expect(cards).ToHaveCountAsync(10);

        await page.Locator("#filter").FillAsync("shade = 'red'");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply filter" }).ClickAsync();
        await Expect(cards).ToHaveCountAsync(red.Count);
        Assert.All(await ReadRanking(page), card => Assert.Contains(card.ItemId, red));
        // Properties on each card: a few key=value chips.
        await Expect(cards.First.Locator(".props")).ToContainTextAsync("shade=red");
        await Expect(cards.First.Locator(".props")).ToContainTextAsync(new Regex(@"price=\d+"));
        await Expect(cards.First.Locator(".props")).ToContainTextAsync("tags=[demo,t");

        // A like: the push is ranked under the filter too.
        var liked = (await cards.First.Locator(".item-title").TextContentAsync())!.Trim();
        await page.GetByRole(AriaRole.Button, new() { Name = $"Like {liked}", Exact = true }).ClickAsync();
        await ExpectPushedLatency(page);
        await Expect(page.Locator($"#ranking .item-title", new() { HasTextString = liked })).ToHaveCountAsync(0);
        var pushed = await ReadRanking(page);
        Assert.NotEmpty(pushed);
        Assert.All(pushed, card => Assert.Contains(card.ItemId, red));

        // Refused: the server's position and reason under the box; the list and its watch stay.
        await page.Locator("#filter").FillAsync("shade == 'red'");
        await page.Locator("#filter").PressAsync("Enter");
        await Expect(page.Locator("#filter-error")).ToBeVisibleAsync();
        await Expect(page.Locator("#filter-error")).ToContainTextAsync("at 6: unknown operator '=='");
        Assert.Equal(pushed.Select(c => c.ItemId), (await ReadRanking(page)).Select(c => c.ItemId));
        await site.ScreenshotAsync(page, "simulator-filter.png");

        // Cleared: the whole list again.
        await page.GetByRole(AriaRole.Button, new() { Name = "Clear", Exact = true }).ClickAsync();
        await Expect(cards).ToHaveCountAsync(10);
        await Expect(page.Locator("#filter-error")).ToBeHiddenAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Clear", Exact = true })).ToBeHiddenAsync();
        site.AssertNoBrowserErrors();
    }

    private static async Task ExpectPushedLatency(IPage page)
    {
        var learning = page.Locator("#learning");
        await Expect(learning).ToHaveAttributeAsync("data-state", "done", new() { Timeout = 10_000 });
        await Expect(learning).ToHaveAttributeAsync("data-latency-ms", new Regex(@"^\d+$"));
        await Expect(learning).ToContainTextAsync(new Regex(@"\d+(\.\d)? ms \(push\)"));
    }

    private sealed record ProfileProbe(string UserId, int TotalEvents);

    /// <summary>One API process with the demo catalog and one Chromium for the whole class.</summary>
    public sealed class Site : IAsyncLifetime
    {
        internal static readonly string[] ChromiumArgs =
            ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"];

        private readonly TempDirectory _dir = new();
        private readonly List<string> _errors = [];
        private ApiProcess? _api;
        private IPlaywright? _playwright;
        private IBrowser? _browser;

        public HttpClient Http { get; private set; } = null!;

        public string Url(string path) => new Uri(_api!.BaseAddress, path).ToString();

        public async Task InitializeAsync()
        {
            if (!File.Exists(ChromiumPath)) return; // each test skips (or fails under RECO_REQUIRE_ALL)
            var webRoot = FindWebRoot();
            foreach (var lib in new[] { "lib/signalr.min.js", "lib/chart.umd.min.js" })
            {
                if (!File.Exists(Path.Combine(webRoot, lib)))
                    throw new InvalidOperationException($"{Path.Combine(webRoot, lib)} is missing: building Recommender.Api runs npm (Npm.targets) to fill wwwroot/lib.");
            }

            _api = new ApiProcess(_dir.Path, new Dictionary<string, string>
            {
                ["Recommender:SeedDemoCatalog"] = "true",
                ["webroot"] = webRoot,
                ["Logging:LogLevel:Default"] = "Warning",
            });
            await _api.StartAsync();
            Http = _api.CreateClient();
            await Eventually.Get(
                async () => (await Http.GetFromJsonAsync<string[]>("/api/v1/categories"))?.Length ?? 0,
                n => n >= 2, TimeSpan.FromSeconds(60), "the demo catalog is seeded");
            await Eventually.Get(
                async () => (await Http.GetFromJsonAsync<RankingProbe>("/api/v1/users/probe/recommendations?k=10"))?.Items.Length ?? 0,
                n => n == 10, TimeSpan.FromSeconds(60), "a cold user gets ten popular items");
            // The page's own libraries are served from wwwroot/lib.
            foreach (var lib in new[] { "/lib/signalr.min.js", "/lib/chart.umd.min.js", "/js/app.js", "/css/site.css" })
                Assert.True((await Http.GetAsync(lib)).IsSuccessStatusCode, $"GET {lib}");

            Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
            _playwright = await Playwright.CreateAsync();
            _browser = await _playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args = ChromiumArgs,
            });
        }

        public async Task<IPage> NewPageAsync(int width, int height, ColorScheme colorScheme = ColorScheme.Light)
        {
            Requirements.SkipUnless(File.Exists(ChromiumPath), $"Chromium is not installed at {ChromiumPath} (Debian: apt-get install chromium)");
            lock (_errors) _errors.Clear();
            var context = await _browser!.NewContextAsync(new()
            {
                ViewportSize = new() { Width = width, Height = height },
                ReducedMotion = ReducedMotion.Reduce, // highlights without the fade, for stable screenshots
                ColorScheme = colorScheme,
            });
            context.SetDefaultTimeout(10_000);
            var page = await context.NewPageAsync();
            BrowserErrors.Collect(page, _errors);
            return page;
        }

        /// <summary>Forgets what the browser reported so far (after a test provoked an error on purpose).</summary>
        public void ClearErrors()
        {
            lock (_errors) _errors.Clear();
        }

        public void AssertNoBrowserErrors()
        {
            lock (_errors) Assert.True(_errors.Count == 0, "The browser reported:\n" + string.Join("\n", _errors) + "\n--- server output ---\n" + _api?.Output);
        }

        /// <summary>One element, into TestResults/screenshots; into docs/ too when RECO_UPDATE_SCREENSHOT=1.</summary>
        public async Task ScreenshotAsync(ILocator element, string name, string? docsName = null)
        {
            var folder = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");
            Directory.CreateDirectory(folder);
            await element.Page.Mouse.MoveAsync(0, 0);
            await element.ScreenshotAsync(new() { Path = Path.Combine(folder, name) });
            if (docsName is not null && Environment.GetEnvironmentVariable("RECO_UPDATE_SCREENSHOT") == "1")
                await element.ScreenshotAsync(new() { Path = Path.Combine(RepositoryRoot(), "docs", docsName) });
        }

        /// <summary>Into TestResults/screenshots next to the test assembly; into docs/ too when RECO_UPDATE_SCREENSHOT=1.</summary>
        public async Task ScreenshotAsync(IPage page, string name, string? docsName = null, bool fullPage = true)
        {
            var folder = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");
            Directory.CreateDirectory(folder);
            await page.Mouse.MoveAsync(0, 0);
            await page.ScreenshotAsync(new() { Path = Path.Combine(folder, name), FullPage = fullPage });
            if (docsName is not null && Environment.GetEnvironmentVariable("RECO_UPDATE_SCREENSHOT") == "1")
                await page.ScreenshotAsync(new() { Path = Path.Combine(RepositoryRoot(), "docs", docsName), FullPage = fullPage });
        }

        public async Task DisposeAsync()
        {
            if (_browser is not null) await _browser.DisposeAsync();
            _playwright?.Dispose();
            Http?.Dispose();
            if (_api is not null) await _api.DisposeAsync();
            _dir.Dispose();
        }

        private sealed record RankingProbe(RankingItemProbe[] Items);
        private sealed record RankingItemProbe(string ItemId);

        internal static string FindWebRoot() => Path.Combine(RepositoryRoot(), "Recommender.Api", "wwwroot");

        /// <summary>
        /// The folder holding Recommender.sln: above the test assembly in a normal build, above this
        /// source file when the build output lives elsewhere (--artifacts-path).
        /// </summary>
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
}
