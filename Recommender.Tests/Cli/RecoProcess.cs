using System.Diagnostics;
using System.Text;
using Recommender.Tests.Infrastructure;

namespace Recommender.Tests.Cli;

/// <summary>
/// <c>dotnet reco.dll</c> from the test output folder as a child process, stdout and stderr captured
/// (no terminal: plain text, NO_COLOR), so a test sees what a pipe sees and can signal it.
/// </summary>
public sealed class RecoProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private RecoProcess(Process process) => _process = process;

    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <param name="environment">Extra variables; a null value removes one (e.g. COLUMNS).</param>
    public static RecoProcess Start(IEnumerable<string> args, IDictionary<string, string?>? environment = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "reco.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: the test project references Recommender.Cli");
        // A shell starts background jobs with SIGINT ignored, and the test host and its children inherit
        // that: .NET would never see the signal. env --default-signal (coreutils 8.31+) gives the child the
        // default disposition, as a terminal's Ctrl+C finds it; env execs, so the pid is reco's.
        var info = new ProcessStartInfo(OperatingSystem.IsLinux() ? "env" : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        if (OperatingSystem.IsLinux())
        {
            info.ArgumentList.Add("--default-signal=INT");
            info.ArgumentList.Add("dotnet");
        }

        info.ArgumentList.Add(dll);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment["NO_COLOR"] = "1";
        info.Environment.Remove("COLUMNS");
        info.Environment.Remove("RECO_URL");
        info.Environment.Remove("RECO_API_KEY");
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) info.Environment.Remove(key);
            else info.Environment[key] = value;
        }

        var reco = new RecoProcess(Process.Start(info)!);
        reco._process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (reco._output) reco._output.AppendLine(e.Data); };
        reco._process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (reco._output) reco._output.AppendLine(e.Data); };
        reco._process.BeginOutputReadLine();
        reco._process.BeginErrorReadLine();
        return reco;
    }

    /// <summary>Runs reco to its end: the exit code and everything it printed.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string[] args, TimeSpan timeout, IDictionary<string, string?>? environment = null)
    {
        await using var reco = Start(args, environment);
        var exitCode = await reco.WaitForExitAsync(timeout);
        return (exitCode, reco.Output);
    }

    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"reco never printed '{text}' ({(_process.HasExited ? $"exited with {_process.ExitCode}" : $"{timeout} passed")}):\n{Output}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>SIGINT, as Ctrl+C in a terminal sends it.</summary>
    public void Interrupt() => Assert.Equal(0, ChildProcesses.Signal(_process.Id, ChildProcesses.SigInt));

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            await _process.KillTreeAsync();
            throw new TimeoutException($"reco did not end within {timeout}:\n{Output}");
        }

        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        await _process.KillTreeAsync();
        _process.Dispose();
    }
}
