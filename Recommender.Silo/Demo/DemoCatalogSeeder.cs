using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Recommender.Grains.Catalog;
using Recommender.Grains.Domain;
using Recommender.Grains.Model;
using Recommender.Grains.Storage;
using Recommender.Grains.Users;
using StackExchange.Redis;

namespace Recommender.Silo.Demo;

/// <summary>
/// On first start with an empty store, describes the demo catalog and replays a deterministic
/// history of 120 background users with two favourite categories each, so popularity and the
/// first model have something to learn from, then trains a first model.
/// <para>
/// Exactly once per store, whatever the number of silos: every silo with the seeder on first
/// claims the store's <see cref="RedisKeys.DemoSeed"/> key with <c>SET NX</c>. Only the silo
/// that set it seeds — and only if the store is empty (no catalog, no user); two silos starting
/// at once, or a restart, find the claim taken and do nothing. The key's value says what became
/// of it: <c>seeding …</c>, <c>seeded …</c>, <c>skipped …</c> (the store had data) or
/// <c>failed …</c>. A seeding interrupted half-way is not resumed (it would have to tell its own
/// data from a user's); delete the store's data to start over.
/// </para>
/// </summary>
public sealed class DemoCatalogSeeder(
    IGrainFactory grains, IConnectionMultiplexer redis, RedisKeys keys, ILocalSiloDetails silo, ILogger<DemoCatalogSeeder> logger)
    : BackgroundService
{
    public const int BackgroundUsers = 120;
    public const int EventsPerUser = 25;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var db = redis.GetDatabase();
        bool claimed = false, seeded = false;
        try
        {
            var who = $"silo {silo.SiloAddress.ToParsableString()} (pid {Environment.ProcessId})";
            claimed = await db.StringSetAsync(keys.DemoSeed, $"{RedisKeys.DemoSeedingSince}{Now()} by {who}", when: When.NotExists);
            if (!claimed)
            {
                logger.LogInformation("Demo catalog: not seeding, the store's claim is taken ({Claim})", (string?)await db.StringGetAsync(keys.DemoSeed));
                return;
            }
            // Empty means nothing at all: no item described or created by an event, no user with a log.
            var items = await db.HashLengthAsync(keys.Catalog);
            var users = await db.SetLengthAsync(keys.Users);
            if (items > 0 || users > 0)
            {
                await db.StringSetAsync(keys.DemoSeed, $"skipped at {Now()} by {who}: the store had {items} items and {users} users");
                logger.LogInformation("Demo catalog: not seeding, the store has {Items} items and {Users} users", items, users);
                return;
            }
            await SeedAsync(stoppingToken);
            await db.StringSetAsync(keys.DemoSeed, $"seeded at {Now()} by {who}: {DemoCatalog.ItemCount} items, {BackgroundUsers} users, {BackgroundUsers * EventsPerUser} events");
            seeded = true; // the data is in: what follows cannot make the seeding a failure
            // The first model, trained once the demo's events are all in (the model grain's drift
            // check holds its 'first training' back while the claim says seeding), so the demo is
            // personal from the first positive event.
            await grains.GetGrain<IModelGrain>(ModelGrain.Key).Retrain(wait: true, trigger: "demo catalog seeded");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, seeded ? "Demo catalog: the first training failed; the drift rules will train later" : "Seeding the demo catalog failed; the service runs without it");
            if (claimed && !seeded)
                try { await db.StringSetAsync(keys.DemoSeed, $"failed at {Now()}: {e.GetType().Name}: {e.Message}"); }
                catch (Exception) { /* the store is what failed */ }
        }
    }

    private static string Now() => DateTimeOffset.UtcNow.ToString("O");

    private async Task SeedAsync(CancellationToken stoppingToken)
    {
        var catalog = grains.GetGrain<ICatalogGrain>(CatalogGrain.Key);
        var items = DemoCatalog.Items();
        await catalog.UpsertMany(items);

        var start = DateTimeOffset.UtcNow.AddDays(-14).ToUnixTimeMilliseconds();
        await Parallel.ForEachAsync(Enumerable.Range(1, BackgroundUsers), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = stoppingToken }, async (user, _) =>
        {
            var events = DemoHistory(user, items, start);
            await grains.GetGrain<IUserGrain>($"demo-bot-{user:D3}").Record(events);
        });
        logger.LogInformation("Seeded the demo catalog: {Items} items, {Users} background users", items.Length, BackgroundUsers);
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
