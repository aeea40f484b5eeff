namespace Recommender.Tests.Infrastructure;

/// <summary>Polls a condition that becomes true asynchronously (replication to silo indexes, pushes).</summary>
public static class Eventually
{
    public static async Task<T> Get<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan? timeout = null, string? because = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        T value;
        while (true)
        {
            value = await probe();
            if (done(value)) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Condition not reached in time: {because ?? "(no description)"}; last value {value}");
            await Task.Delay(50);
        }
    }
}
