using System.Diagnostics;

namespace Recommender.Tests.Infrastructure;

public static class ChildProcesses
{
    /// <summary>SIGKILL the process and its children (nothing runs on the way out), then wait for it to be gone.</summary>
    public static async Task KillTreeAsync(this Process? process)
    {
        if (process is null || process.HasExited) return;
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }
}
