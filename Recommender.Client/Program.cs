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

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

return await app.RunAsync(args, cancel.Token);
