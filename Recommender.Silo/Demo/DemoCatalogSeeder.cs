using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Recommender.Grains.Catalog;
using Recommender.Grains.Domain;
using Recommender.Grains.Model;
using Recommender.Grains.Users;

namespace Recommender.Silo.Demo;

/// <summary>
/// On first start with an empty store, describes the demo catalog and replays a deterministic
/// history of 120 background users with two favourite categories each, so popularity and the
/// first model have something to learn from. Does nothing when the catalog already has items.
/// </summary>
public sealed class DemoCatalogSeeder(IGrainFactory grains, ILogger<DemoCatalogSeeder> logger) : BackgroundService
{
    public const int BackgroundUsers = 120;
    public const int EventsPerUser = 25;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await SeedAsync(stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Seeding the demo catalog failed; the service runs without it");
        }
    }

    private async Task SeedAsync(CancellationToken stoppingToken)
    {
        var catalog = grains.GetGrain<ICatalogGrain>(CatalogGrain.Key);
        if (await catalog.Count() > 0) return;
        var items = DemoCatalog.Items();
        await catalog.UpsertMany(items);

        var random = new Random(7);
        var start = DateTimeOffset.UtcNow.AddDays(-14).ToUnixTimeMilliseconds();
        await Parallel.ForEachAsync(Enumerable.Range(1, BackgroundUsers), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = stoppingToken }, async (user, _) =>
        {
            var events = DemoHistory(user, items, start);
            await grains.GetGrain<IUserGrain>($"demo-bot-{user:D3}").Record(events);
        });
        logger.LogInformation("Seeded the demo catalog: {Items} items, {Users} background users", items.Length, BackgroundUsers);
        // A first model, so the demo is personal from the first positive event.
        await grains.GetGrain<IModelGrain>(ModelGrain.Key).Retrain(wait: true, trigger: "demo catalog seeded");
    }

    /// <summary>
    /// A background user's events, made the way the taste bots behave: two different favourite
    /// categories, 85 % of the events on items of that taste (any of them alike: likes, 4–5 ratings
    /// and views), 15 % views of anything. (Histories skewed towards a few items of each category
    /// made the self-tuning prefer collaborative signals that predict which popular item of a
    /// category comes next — knowledge the bots do not share, which then showed them other
    /// categories' hits once theirs thinned out.)
    /// </summary>
    public static InteractionEvent[] DemoHistory(int user, Grains.Items.ItemMetadata[] items, long start)
    {
        var random = new Random(user * 7919);
        var first = random.Next(DemoCatalog.Categories.Length);
        var second = (first + 1 + random.Next(DemoCatalog.Categories.Length - 1)) % DemoCatalog.Categories.Length;
        var favourites = new[] { DemoCatalog.Categories[first], DemoCatalog.Categories[second] };
        var liked = items.Where(i => i.Categories.Intersect(favourites).Any()).ToArray();
        var events = new InteractionEvent[EventsPerUser];
        for (var e = 0; e < EventsPerUser; e++)
        {
            var inTaste = random.NextDouble() < 0.85;
            var item = inTaste ? liked[random.Next(liked.Length)] : items[random.Next(items.Length)];
            var roll = random.NextDouble();
            var type = inTaste ? (roll < 0.3 ? EventType.View : roll < 0.7 ? EventType.Like : EventType.Rating) : EventType.View;
            events[e] = new InteractionEvent
            {
                ItemId = item.ItemId,
                Type = type,
                Value = type == EventType.Rating ? 4 + random.Next(2) : 0,
                Timestamp = start + (long)(random.NextDouble() * 13 * 86_400_000),
                EventId = $"demo-{user}-{e}",
            };
        }
        return events;
    }
}
