using Recommender.Client.Api;

namespace Recommender.Client.Simulation;

/// <summary>Runs taste bots against a service and sums up what they show (see <see cref="TasteBot"/> for their rules).</summary>
public static class TasteBots
{
    /// <summary>
    /// Two-category tastes, all different: first pairs that share no category with an earlier bot's
    /// (as long as the catalogue has categories to spare), then any unused pair.
    /// </summary>
    public static List<string[]> DistinctTastes(IReadOnlyList<string> categories, int count, Random random)
    {
        var shuffled = categories.OrderBy(_ => random.Next()).ToList();
        var tastes = new List<string[]>();
        for (var i = 0; i + 1 < shuffled.Count && tastes.Count < count; i += 2) tastes.Add([shuffled[i], shuffled[i + 1]]);
        var pairs = (from a in shuffled from b in shuffled where string.CompareOrdinal(a, b) < 0 select new[] { a, b })
            .OrderBy(_ => random.Next()).ToList();
        foreach (var pair in pairs)
        {
            if (tastes.Count >= count) break;
            if (!tastes.Any(t => t.Order().SequenceEqual(pair.Order()))) tastes.Add(pair);
        }
        while (tastes.Count < count) tastes.Add(tastes[tastes.Count % Math.Max(1, tastes.Count)]); // fewer pairs than bots
        return tastes;
    }

    /// <summary>The catalogue's items with categories, and the categories with at least <paramref name="minimumItems"/> items.</summary>
    public static async Task<(List<Item> Items, List<string> Categories)> ReadCatalogueAsync(RecommenderClient client, int minimumItems = 5, CancellationToken ct = default)
    {
        var items = new List<Item>();
        await foreach (var item in client.ListAllItemsAsync(sort: ItemSort.Id, pageSize: 500, max: 20_000, ct: ct))
            if (item.Categories is { Count: > 0 }) items.Add(item);
        var categories = items.SelectMany(i => i.Categories!).CountBy(c => c).Where(p => p.Value >= minimumItems).Select(p => p.Key).Order().ToList();
        return (items, categories);
    }

    /// <summary>
    /// <paramref name="botCount"/> bots with distinct tastes, each making <paramref name="interactions"/>
    /// interactions in rounds (every bot acts once per round), reading its top 10 before each and after the last.
    /// </summary>
    public static async Task<List<TasteBot>> RunAsync(RecommenderClient client, int botCount, int interactions, int seed, string run,
        Action<TasteBot, InteractionEvent, double>? afterInteraction = null, CancellationToken ct = default)
    {
        var random = new Random(seed);
        var (items, categories) = await ReadCatalogueAsync(client, ct: ct);
        if (categories.Count < 2) throw new InvalidOperationException("The catalogue needs items in at least two categories for taste bots.");
        var bots = DistinctTastes(categories, botCount, random).Select((taste, i) => new TasteBot($"bot-{run}-{i + 1}", taste, items)).ToList();
        var active = new List<TasteBot>(bots);
        for (var round = 0; round < interactions && active.Count > 0; round++)
        {
            foreach (var bot in active.ToList())
            {
                var top = await client.GetRecommendationsAsync(bot.UserId, TasteBot.K, ct: ct);
                bot.Observe(top.Items);
                var evt = bot.Choose(top.Items, random, top.RecommendationId);
                if (evt is null) { active.Remove(bot); continue; }
                await client.PostEventAsync(evt, ct);
                afterInteraction?.Invoke(bot, evt, bot.Path[^1].Precision);
            }
        }
        foreach (var bot in bots) bot.Observe((await client.GetRecommendationsAsync(bot.UserId, TasteBot.K, ct: ct)).Items);
        return bots;
    }

    /// <summary>What a run shows: the median precision@10 from interaction <paramref name="from"/> on while the taste is not used up, and the readings below <paramref name="floor"/> then.</summary>
    public static (double Median, int Readings, List<(TasteBot Bot, BotStep Step)> Below) Summarise(IEnumerable<TasteBot> bots, int from = 10, double floor = 0.5)
    {
        var readings = bots.SelectMany(b => b.Path.Where(s => s.Interactions >= from && s.UnseenTaste >= TasteBot.K).Select(s => (Bot: b, Step: s))).ToList();
        var sorted = readings.Select(r => r.Step.Precision).Order().ToList();
        var median = sorted.Count == 0 ? double.NaN : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
        return (median, readings.Count, readings.Where(r => r.Step.Precision < floor).ToList());
    }
}
