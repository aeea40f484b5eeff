using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Recommender.Tests.Infrastructure;

public static class ChildProcesses
{
    public const int SigInt = 2;
    public const int SigKill = 9;
    public const int SigTerm = 15;

    /// <summary>SIGKILL the process and its children (nothing runs on the way out), then wait for it to be gone.</summary>
    public static async Task KillTreeAsync(this Process? process)
    {
        if (process is null || process.HasExited) return;
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    /// <summary>Sends a POSIX signal (Linux, macOS) to one process; 0 on success, as kill(2).</summary>
    public static int Signal(int pid, int signal) => Kill(pid, signal);

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
