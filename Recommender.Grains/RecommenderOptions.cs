namespace Recommender.Grains;

/// <summary>Behaviour of the grains, bound from configuration section <c>Recommender</c>.</summary>
public sealed class RecommenderOptions
{
    public const string Section = "Recommender";

    /// <summary>Half-life of the decayed popularity.</summary>
    public TimeSpan PopularityHalfLife { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often a changed grain writes its snapshot (the event log makes events durable, not the snapshot).</summary>
    public TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A user writes its snapshot (<see cref="SnapshotInterval"/> later) only once this many events
    /// are not in it, and on deactivation. Fewer events replay from the log in microseconds on the
    /// next activation; a write per event-ful user and interval would cost the store more than the
    /// appends themselves when many users send a few events each.
    /// </summary>
    public int SnapshotAfterEvents { get; set; } = 50;

    /// <summary>Item changes reach every silo's index coalesced at this period, not one broadcast per event.</summary>
    public TimeSpan ItemPublishInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// How many distinct items a user grain remembers interactions with (beyond it the oldest are
    /// dropped: they stop counting in the user's fold-in and may be recommended again). The cells are
    /// what excludes seen items from a ranking, so the cap must sit above any real user: at 500 (the
    /// earlier default) the heavy users of a MovieLens-latest-shaped log (up to 2,100 rows) were
    /// recommended items they had rated and NDCG@10 fell from 0.479 to 0.448 (reco evaluate
    /// --data synthetic:longtail). ~50 B per remembered item.
    /// </summary>
    public int MaxItemsPerUser { get; set; } = 20_000;

    /// <summary>
    /// How long a user grain remembers an event id (by the server's arrival time): a resend within
    /// this window of the acknowledgement is recognised as a duplicate, whatever came in between.
    /// </summary>
    public TimeSpan IdempotencyWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Ids kept whatever their age (a quiet user's resend days later is still recognised).</summary>
    public int IdempotencyMinimumIds { get; set; } = 1_000;

    /// <summary>
    /// The memory bound of the window (24 B per id: 2.4 MB). It must exceed the largest batch the
    /// API accepts (10,000 events) so that a retry of any accepted request is safe; beyond it the
    /// oldest ids go first even inside the 24 hours.
    /// </summary>
    public int IdempotencyMaximumIds { get; set; } = 100_000;

    /// <summary>How many recent events the profile shows.</summary>
    public int RecentEvents { get; set; } = 20;

    /// <summary>
    /// How long a user grain keeps a web server's watch without a renewal. The web server renews
    /// every <c>Live:RenewPeriod</c> (1 minute), so a lease of three periods survives two lost
    /// renewals; a server that died stops costing pushes after it. Keep it above the renew period.
    /// </summary>
    public TimeSpan WatchLease { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Seed a deterministic synthetic demo catalog when the store is empty (local mode).</summary>
    public bool SeedDemoCatalog { get; set; } = true;
}
