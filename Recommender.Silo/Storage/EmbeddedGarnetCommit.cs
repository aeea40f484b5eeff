using Recommender.Grains.Storage;

namespace Recommender.Silo.Storage;

/// <summary>
/// The embedded store's durability point: an append is acknowledged once Garnet's append-only
/// file holds it on disk, so an acknowledged event survives a SIGKILL of this process.
/// </summary>
public sealed class EmbeddedGarnetCommit(EmbeddedGarnet garnet) : IStoreCommit
{
    public ValueTask WaitAsync(CancellationToken cancellationToken = default) => garnet.WaitForCommitAsync(cancellationToken);
}
