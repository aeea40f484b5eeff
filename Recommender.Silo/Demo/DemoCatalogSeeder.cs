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

    /// <summary>A background user's events: mostly items of its two favourite categories, some noise.</summary>
    private static InteractionEvent[] DemoHistory(int user, Grains.Items.ItemMetadata[] items, long start)
    {
        var random = new Random(user * 7919);
        var favourites = new[] { DemoCatalog.Categories[random.Next(15)], DemoCatalog.Categories[random.Next(15)] };
        var liked = items.Where(i => i.Categories.Intersect(favourites).Any()).ToArray();
        var events = new InteractionEvent[EventsPerUser];
        for (var e = 0; e < EventsPerUser; e++)
        {
            var inTaste = random.NextDouble() < 0.85;
            // A Zipf-like skew inside the taste makes some items clearly more popular than others.
            var item = inTaste ? liked[(int)(liked.Length * Math.Pow(random.NextDouble(), 2))] : items[random.Next(items.Length)];
            var type = inTaste ? (random.NextDouble() < 0.5 ? EventType.View : random.NextDouble() < 0.6 ? EventType.Like : EventType.Rating) : EventType.View;
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
