namespace Recommender.Api.Live;

/// <summary>The live pushes of this web server, bound from configuration section <c>Live</c>.</summary>
public sealed class LiveOptions
{
    public const string Section = "Live";

    /// <summary>
    /// How often the relay renews its watch of every watched user. Must stay well below the grains'
    /// <c>Recommender:WatchLease</c> (3 minutes): a user grain drops a watch not renewed within it.
    /// </summary>
    public TimeSpan RenewPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Users one hub connection may watch at once (Watch beyond it is a hub error). Each watched user
    /// holds an active grain and costs a renewal per period; a page shows a handful, the simulator
    /// a few dozen.
    /// </summary>
    public int MaxWatchesPerConnection { get; set; } = 100;
}
