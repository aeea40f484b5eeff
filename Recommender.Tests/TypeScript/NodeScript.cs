using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using Recommender.Tests.Infrastructure;

namespace Recommender.Tests.TypeScript;

/// <summary>
/// Runs node (and the TypeScript client's own tools from its node_modules) as child processes,
/// bounded in time, with everything they printed kept for the failure message.
/// </summary>
internal static class NodeScript
{
    /// <summary>Recommender.Client.TypeScript: the package, built (dist/) by the API's build.</summary>
    public static string PackageDir([CallerFilePath] string sourceFile = "")
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile) })
        {
            for (var dir = string.IsNullOrEmpty(start) ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var package = Path.Combine(dir.FullName, "Recommender.Client.TypeScript");
                if (File.Exists(Path.Combine(dir.FullName, "Recommender.sln")) && Directory.Exists(package)) return package;
            }
        }
        throw new InvalidOperationException($"Recommender.Client.TypeScript was not found above {AppContext.BaseDirectory} nor above {sourceFile}.");
    }

    /// <summary>node on PATH (the build needs it too: the page's libraries come from npm).</summary>
    public static string RequireNode()
    {
        var node = Requirements.FindExecutable("node");
        Requirements.SkipUnless(node is not null, "node is not on PATH (install Node.js 20+)");
        var package = PackageDir();
        Requirements.SkipUnless(File.Exists(Path.Combine(package, "node_modules", "typescript", "bin", "tsc")),
            $"{package}/node_modules is missing: build Recommender.Api (it runs npm ci there) or run npm ci in it");
        return node!;
    }

    public sealed record Result(int ExitCode, string Output)
    {
        public override string ToString() => $"exit code {ExitCode}:\n{Output}";
    }

    public static async Task<Result> RunAsync(string fileName, IEnumerable<string> args, string workingDirectory, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(info)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            await process.KillTreeAsync();
            lock (output) throw new TimeoutException($"{fileName} {string.Join(' ', info.ArgumentList)} did not end within {timeout}:\n{output}");
        }
        process.WaitForExit(); // the output handlers have seen everything
        lock (output) return new Result(process.ExitCode, output.ToString());
    }
}
