using Orleans.Concurrency;

namespace Recommender.Grains.Live;

/// <summary>
/// Implemented once per web server: user grains tell it about new rankings of watched users,
/// and it pushes them to the browsers connected to that server.
/// </summary>
public interface IRankingObserver : IGrainObserver
{
    [OneWay]
    Task RankingChanged(RankingChange change);
}
