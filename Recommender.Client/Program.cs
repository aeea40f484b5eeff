using Recommender.Client.Commands;
using Spectre.Console.Cli;

var app = new CommandApp();
app.Configure(RecoCli.Configure);

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

return await app.RunAsync(args, cancel.Token);
