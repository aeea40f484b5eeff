using System.Diagnostics;
using System.Text;
using Recommender.Tests.Infrastructure;

namespace Recommender.Tests.Packaging;

/// <summary>
/// Runs <c>dotnet …</c> (or a program it installed) as a child process with a time limit; stdout and stderr
/// captured together. A timeout kills the process tree and fails with everything it printed.
/// </summary>
public static class DotnetCli
{
    /// <summary>The muxer running this test host (the same SDK), else <c>dotnet</c> on the PATH.</summary>
    public static string Muxer => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    public static Task<(int ExitCode, string Output)> DotnetAsync(string workingDirectory, TimeSpan timeout, IDictionary<string, string?>? environment, params string[] args) =>
        RunAsync(Muxer, workingDirectory, timeout, environment, args);

    public static async Task<(int ExitCode, string Output)> RunAsync(
        string fileName, string workingDirectory, TimeSpan timeout, IDictionary<string, string?>? environment, params string[] args)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);

        // `dotnet test` leaves MSBuild's own variables in the test host's environment (the SDK path, the
        // project's node settings): a child build must find its SDK as a fresh shell would.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(key);
        }

        // No build servers or nodes outliving the test.
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        info.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        info.Environment["UseSharedCompilation"] = "false";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        info.Environment["NO_COLOR"] = "1";
        info.Environment.Remove("COLUMNS");
        info.Environment.Remove("RECO_URL");
        info.Environment.Remove("RECO_API_KEY");
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) info.Environment.Remove(key);
            else info.Environment[key] = value;
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        var started = Stopwatch.StartNew();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            await process.KillTreeAsync();
            lock (output) throw new TimeoutException($"`{Describe(fileName, args)}` did not end within {timeout}:\n{output}");
        }

        process.WaitForExit(); // drains the redirected streams
        lock (output)
        {
            return (process.ExitCode, $"$ {Describe(fileName, args)}  ({started.Elapsed.TotalSeconds:0.0} s, exit {process.ExitCode})\n{output}");
        }
    }

    /// <summary>Runs and asserts exit code 0, failing with the command's output.</summary>
    public static async Task<string> SucceedAsync(string fileName, string workingDirectory, TimeSpan timeout, IDictionary<string, string?>? environment, params string[] args)
    {
        var (code, output) = await RunAsync(fileName, workingDirectory, timeout, environment, args);
        Assert.True(code == 0, $"exit code {code}:\n{output}");
        return output;
    }

    private static string Describe(string fileName, string[] args) =>
        string.Join(' ', new[] { Path.GetFileName(fileName) }.Concat(args.Select(a => a.Contains(' ') ? $"\"{a}\"" : a)));
}
