namespace Recommender.Grains.Storage;

/// <summary>
/// Makes the writes this process has had answered durable, before an acknowledgement goes out.
/// The event log waits on it after each append; many appends share one commit (group commit).
/// </summary>
public interface IStoreCommit
{
    ValueTask WaitAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// An external Redis makes its writes durable by its own policy (<c>appendfsync always</c> fsyncs
/// before the reply of each event-loop round): nothing to wait for here.
/// </summary>
public sealed class StoreCommitsItself : IStoreCommit
{
    public ValueTask WaitAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
}
