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
}
