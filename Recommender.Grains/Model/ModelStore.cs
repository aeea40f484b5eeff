using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Recommender.Grains.Storage;

namespace Recommender.Grains.Model;

/// <summary>
/// Keeps the current model in Redis and every silo's <see cref="LiveModel"/> on it: a starting
/// silo loads the stored version, and a publication reaches running silos over pub/sub (with a
/// periodic check in case a message was missed).
/// </summary>
public sealed class ModelStore(IConnectionMultiplexer redis, RedisKeys keys, LiveModel live, ILogger<ModelStore> logger)
    : IHostedService, IDisposable
{
    private static readonly TimeSpan CheckPeriod = TimeSpan.FromSeconds(30);
    private Timer? _check;

    /// <summary>Stores the model, then tells every silo (the store is written first, so any silo that hears about it can load it).</summary>
    public async Task PublishAsync(TrainedModel model)
    {
        await redis.GetDatabase().StringSetAsync(keys.Model, model.Serialize());
        live.Install(model);
        await redis.GetSubscriber().PublishAsync(keys.ModelPublished, model.Version);
    }

    public async Task<TrainedModel?> LoadAsync()
    {
        var data = (byte[]?)await redis.GetDatabase().StringGetAsync(keys.Model);
        return data is null ? null : TrainedModel.Deserialize(data);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await redis.GetSubscriber().SubscribeAsync(keys.ModelPublished, (channel, version) =>
        {
            if ((long)version > live.Current.Version) _ = RefreshAsync();
        });
        await RefreshAsync();
        _check = new Timer(_ => _ = RefreshAsync(), null, CheckPeriod, CheckPeriod);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _check?.Dispose();
        return redis.GetSubscriber().UnsubscribeAsync(keys.ModelPublished);
    }

    public void Dispose() => _check?.Dispose();

    private async Task RefreshAsync()
    {
        try
        {
            var model = await LoadAsync();
            if (model is null || model.Version <= live.Current.Version) return;
            live.Install(model);
            logger.LogInformation("Model version {Version} installed ({Items} items, {Users} users)", model.Version, model.ItemIds.Length, model.UserIds.Length);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Loading the current model failed; will retry");
        }
    }
}
