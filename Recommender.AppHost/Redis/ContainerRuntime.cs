using System.Diagnostics;

namespace Recommender.AppHost.Redis;

/// <summary>Finds out honestly whether a container engine answers: a CLI on the PATH is not enough.</summary>
public static class ContainerRuntime
{
    /// <summary>
    /// The first of <c>docker</c> and <c>podman</c> (or only <c>ASPIRE_CONTAINER_RUNTIME</c>'s choice)
    /// whose <c>info</c> reaches a running engine within a few seconds; null when none does.
    /// A docker CLI without a daemon (this project's CI) exits non-zero here.
    /// </summary>
    public static string? Find(string? preferred = null, TimeSpan? timeout = null)
    {
        string[] candidates = string.IsNullOrWhiteSpace(preferred) ? ["docker", "podman"] : [preferred];
        return candidates.FirstOrDefault(c => Answers(c, timeout ?? TimeSpan.FromSeconds(5)));
    }

    private static bool Answers(string cli, TimeSpan timeout)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(cli, ["info", "--format", "{{json .}}"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null) return false;
            // Drain both pipes so a chatty CLI cannot block on a full buffer.
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // not installed
        }
    }
}
