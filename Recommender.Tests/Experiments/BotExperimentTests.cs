using System.Net.Http.Json;
using System.Text.Json;
using Recommender.Client.Api;
using Recommender.Client.Simulation;
using Recommender.Tests.Api;
using Recommender.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Recommender.Tests.Experiments;

/// <summary>
/// The experiment the page demonstrates, asserted: on the demo catalogue, "learned model vs
/// popularity" with taste bots (hidden two-category tastes, the simulator's rules: <see cref="TasteBot"/>)
/// reaches the sequential test's decision for the learned model within a bounded run.
/// </summary>
public sealed class BotExperimentTests(ITestOutputHelper log)
{
    [Fact]
    public async Task Taste_bots_in_learned_versus_popularity_decide_for_the_learned_model()
    {
        using var data = new TempDirectory();
        await using var server = await ApiProcess.StartDemoAsync(data.Path);
        using var http = server.CreateClient();

        (await http.PostAsJsonAsync("/api/v1/experiments", new
        {
            id = "learned-vs-popular", name = "Learned model vs popularity", start = true,
            variants = new object[]
            {
                new { name = "popular", share = 1, serving = new { strategy = "popular" } }, // the control
                new { name = "learned", share = 1 },
            },
        })).EnsureSuccessStatusCode();

        using var client = new RecommenderClient(server.BaseAddress);
        var bots = await TasteBots.RunAsync(client, botCount: 20, interactions: 30, seed: 20261128, run: "ab");

        var results = await Eventually.Get(() => http.GetOkJsonAsync("/api/v1/experiments/learned-vs-popular/results"),
            r => r.GetProperty("variants").EnumerateArray().Sum(v => v.GetProperty("impressions").GetInt64()) >= bots.Sum(b => b.Path.Count),
            TimeSpan.FromSeconds(20), "every list the bots read is counted");
        foreach (var v in results.GetProperty("variants").EnumerateArray())
        {
            var rate = v.GetProperty("hitRate");
            log.WriteLine($"{v.GetProperty("name").GetString(),-8} users {v.GetProperty("users").GetInt64(),3}  impressions {v.GetProperty("impressions").GetInt64(),4}  " +
                $"events {v.GetProperty("events").GetInt64(),4}  hit rate {rate.GetProperty("value").GetDouble():0.000} [{rate.GetProperty("low").GetDouble():0.000}, {rate.GetProperty("high").GetDouble():0.000}]");
        }
        var comparison = results.GetProperty("comparisons")[0];
        log.WriteLine($"learned − popular {comparison.GetProperty("difference").GetProperty("value").GetDouble():0.000}, always-valid p {comparison.GetProperty("p").GetDouble():G3}");
        var decision = results.GetProperty("decision");
        log.WriteLine($"{decision.GetProperty("status").GetString()}: {decision.GetProperty("reason").GetString()}");

        var users = results.GetProperty("variants").EnumerateArray().Select(v => v.GetProperty("users").GetInt64()).ToArray();
        Assert.All(users, n => Assert.InRange(n, 4, 16)); // 20 bots, both variants populated
        Assert.Equal("decided", decision.GetProperty("status").GetString());
        Assert.Equal("learned", decision.GetProperty("winner").GetString());
        // The learned variant's interval is clear of the popular one's.
        var byName = results.GetProperty("variants").EnumerateArray().ToDictionary(v => v.GetProperty("name").GetString()!, v => v.GetProperty("hitRate"));
        Assert.True(byName["learned"].GetProperty("low").GetDouble() > byName["popular"].GetProperty("high").GetDouble(),
            "the learned variant's hit-rate interval should sit above the popular one's");
    }
}
