using System.Text.Json;
using Recommender.Client.Api;
using Recommender.Client.Simulation;
using Recommender.Tests.Infrastructure;

namespace Recommender.Tests.Demo;

/// <summary>
/// The demonstration is a claim: on a fresh server with the demo catalogue, ten taste bots × 30
/// interactions (the simulator page's rules, <see cref="TasteBot"/>) must see their taste learned
/// and kept — median precision@10 ≥ 0.8 from interaction 10 on, and no reading below 0.5 while a
/// bot still has ≥ 10 unseen items of its taste.
/// </summary>
public sealed class TasteBotTests(Xunit.Abstractions.ITestOutputHelper log)
{
    [Fact]
    public async Task Taste_bots_climb_and_stay_high_until_their_taste_is_used_up()
    {
        using var data = new TempDirectory();
        await using var server = await ApiProcess.StartDemoAsync(data.Path);
        using var http = server.CreateClient();

        using var client = new RecommenderClient(server.BaseAddress);
        var bots = await TasteBots.RunAsync(client, botCount: 10, interactions: 30, seed: 20261127, run: "test");

        foreach (var bot in bots)
            log.WriteLine($"{bot.UserId} {string.Join('+', bot.Taste),-22} {string.Join(' ', bot.Path.Select(p => p.UnseenTaste < TasteBot.K ? $"({p.Precision:0.0})" : $"{p.Precision:0.0}"))}");
        var (median, readings, below) = TasteBots.Summarise(bots);
        log.WriteLine($"median {median:0.00} over {readings} readings; below 0.5: {below.Count}");
        using var model = JsonDocument.Parse(await http.GetStringAsync("/api/v1/model"));
        log.WriteLine($"serving: {model.RootElement.GetProperty("choice").GetProperty("serving").GetString()}");

        Assert.Equal(10, bots.Select(b => string.Join('+', b.Taste.Order())).Distinct().Count());
        Assert.All(bots, b => Assert.Equal(30, b.Interactions));
        Assert.True(readings >= 150, $"only {readings} readings from interaction 10 on while tastes lasted");
        Assert.True(median >= 0.8, $"median precision@10 from interaction 10 on was {median:0.00}");
        Assert.True(below.Count == 0, "readings below 0.5 while ≥ 10 taste items were unseen: "
            + string.Join("; ", below.Select(b => $"{b.Bot.UserId} after {b.Step.Interactions}: {b.Step.Precision:0.0} ({b.Step.UnseenTaste} unseen)")));
    }
}
