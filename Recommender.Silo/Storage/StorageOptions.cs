namespace Recommender.Silo.Storage;

/// <summary>Where state lives, bound from configuration section <c>Storage</c>.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>
    /// An external Redis 7 (StackExchange.Redis syntax, e.g. <c>127.0.0.1:6379</c>). Read from
    /// <c>ConnectionStrings:redis</c> or the environment variable <c>RECO_REDIS</c>; when empty
    /// an embedded Garnet server is started in-process.
    /// </summary>
    public string? RedisConnectionString { get; set; }

    /// <summary>Folder of the embedded Garnet's log, append-only file and checkpoints.</summary>
    public string DataDir { get; set; } = "data";

    /// <summary>Loopback port of the embedded Garnet; 0 picks a free one.</summary>
    public int GarnetPort { get; set; }

    /// <summary>
    /// Commit the embedded Garnet's append-only file before answering each write. Off, an
    /// acknowledged event survives a clean shutdown but not a SIGKILL of the process.
    /// </summary>
    public bool SyncCommit { get; set; } = true;

    /// <summary>
    /// With <see cref="SyncCommit"/>: let Garnet hold every reply until its commit (its own
    /// <c>WaitForCommit</c>) instead of the event log awaiting a shared commit. Slower — each waiting
    /// session spins a thread and its connection waits behind the fsync — and kept as the baseline
    /// of <c>Recommender.Benchmarks append</c>.
    /// </summary>
    public bool GarnetWaitsForCommit { get; set; }

    /// <summary>How long a Redis command may take before it fails (requests then answer 503 instead of hanging).</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
