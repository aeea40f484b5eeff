using Recommender.Client.Commands;
using Recommender.Client.Rendering;
using Spectre.Console;
using Spectre.Console.Cli;

if (ConsoleWidth.Resolve(Environment.GetEnvironmentVariable("COLUMNS"), Console.IsOutputRedirected) is { } width)
{
    AnsiConsole.Profile.Width = width;
}

var app = new CommandApp();
app.Configure(RecoCli.Configure);

// Ctrl+C cancels the command's token so it can stop cleanly (exit code 130). It must also end the
// process: should the command not be gone within StopGrace (a call that ignores its token, a
// connection that will not close), or at a second Ctrl+C, the process exits anyway. The exit runs on
// the thread pool, not in the signal handler that is still on the stack.
var stopGrace = TimeSpan.FromSeconds(3);
var interrupts = 0;
var cancel = new CancellationTokenSource(); // not disposed: a late Ctrl+C may still cancel it
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    if (Interlocked.Increment(ref interrupts) > 1)
    {
        _ = Task.Run(() => Environment.Exit(RecoCommand<RecoSettings>.Cancelled));
        return;
    }

    cancel.Cancel();
    _ = Task.Delay(stopGrace).ContinueWith(_ =>
    {
        Console.Error.WriteLine($"Still stopping {stopGrace.TotalSeconds:0} s after Ctrl+C; exiting.");
        Environment.Exit(RecoCommand<RecoSettings>.Cancelled);
    }, TaskScheduler.Default);
};

return await app.RunAsync(args, cancel.Token);
