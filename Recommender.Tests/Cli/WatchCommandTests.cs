using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Recommender.Silo.Storage;
using Recommender.Tests.Infrastructure;

namespace Recommender.Tests.Cli;

/// <summary>
/// Ctrl+C ends <c>reco watch</c> promptly whatever it is doing (issue #12, point 16): a real child
/// process gets a real SIGINT while connecting, while watching and while reconnecting.
/// </summary>
public sealed class WatchCommandTests(Xunit.Abstractions.ITestOutputHelper log)
{
    /// <summary>Prompt: the process measured 0.03–0.2 s; a stop that hangs is cut at 3 s by reco itself.</summary>
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(5);

    [SkippableFact]
    public async Task Ctrl_C_while_retrying_an_address_where_nothing_listens_ends_it()
    {
        RequireSignals();
        var port = EmbeddedGarnet.FreeLoopbackPort();
        await using var reco = RecoProcess.Start(["watch", "cli-watch-user", "--url", $"http://127.0.0.1:{port}"]);
        await reco.WaitForOutputAsync("Connecting to", TimeSpan.FromSeconds(30));
        await Task.Delay(1500); // in the retry loop: refused, 500 ms pause, again (it gives up after 10 s)

        var (exitCode, took) = await InterruptAsync(reco);

        Assert.Equal(130, exitCode);
        Assert.Contains("Cancelled.", reco.Output);
        Assert.DoesNotContain("unreachable", reco.Output);
        Assert.True(took < Prompt, $"reco took {took} to end after SIGINT");
    }

    [SkippableFact]
    public async Task Ctrl_C_while_a_hub_negotiates_but_never_opens_its_transport_ends_it()
    {
        RequireSignals();
        // A server half there: it answers the SignalR negotiation, then never the WebSocket. Cancelling
        // that transport start used to surface as "Error: Unable to connect to the server with any of
        // the available transports", exit 255.
        var port = EmbeddedGarnet.FreeLoopbackPort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        app.MapPost("/hubs/recommendations/negotiate", () => Results.Content(
            """{"negotiateVersion":1,"connectionId":"c","connectionToken":"t","availableTransports":[{"transport":"WebSockets","transferFormats":["Text","Binary"]}]}""",
            "application/json"));
        app.Map("/hubs/recommendations", (HttpContext context) => Task.Delay(Timeout.Infinite, context.RequestAborted));
        await app.StartAsync();

        await using var reco = RecoProcess.Start(["watch", "cli-watch-user", "--url", $"http://127.0.0.1:{port}"]);
        await reco.WaitForOutputAsync("Connecting to", TimeSpan.FromSeconds(30));
        await Task.Delay(1500);

        var (exitCode, took) = await InterruptAsync(reco);

        Assert.Equal(130, exitCode);
        Assert.Contains("Cancelled.", reco.Output);
        Assert.DoesNotContain("Error", reco.Output);
        Assert.True(took < Prompt, $"reco took {took} to end after SIGINT");
    }

    [SkippableFact]
    public async Task Ctrl_C_while_watching_and_while_reconnecting_ends_it()
    {
        RequireSignals();
        using var data = new TempDirectory();
        await using var server = new ApiProcess(data.Path);
        await server.StartAsync();
        var url = server.BaseAddress.ToString().TrimEnd('/');

        // Watching: Ctrl+C is the way to stop, so exit code 0.
        await using (var watching = RecoProcess.Start(["watch", "cli-watch-user", "--url", url]))
        {
            await watching.WaitForOutputAsync("Waiting for pushes", TimeSpan.FromSeconds(60));
            var (exitCode, took) = await InterruptAsync(watching);
            Assert.Equal(0, exitCode);
            Assert.Contains("Stopped watching cli-watch-user.", watching.Output);
            Assert.True(took < Prompt, $"reco took {took} to end after SIGINT while watching");
        }

        // Reconnecting: the server is gone (SIGKILL), the client retries forever until Ctrl+C.
        await using var reconnecting = RecoProcess.Start(["watch", "cli-watch-user", "--url", url]);
        await reconnecting.WaitForOutputAsync("Waiting for pushes", TimeSpan.FromSeconds(60));
        await server.KillAsync();
        await reconnecting.WaitForOutputAsync("reconnecting", TimeSpan.FromSeconds(30));
        await Task.Delay(1500); // past the immediate first retry, into the back-off

        var (code, elapsed) = await InterruptAsync(reconnecting);

        Assert.Equal(0, code);
        Assert.Contains("Stopped watching cli-watch-user.", reconnecting.Output);
        Assert.True(elapsed < Prompt, $"reco took {elapsed} to end after SIGINT while reconnecting");
    }

    private async Task<(int ExitCode, TimeSpan Took)> InterruptAsync(RecoProcess reco)
    {
        var clock = Stopwatch.StartNew();
        reco.Interrupt();
        var exitCode = await reco.WaitForExitAsync(TimeSpan.FromSeconds(30));
        log.WriteLine($"exit {exitCode} {clock.Elapsed.TotalSeconds:F2} s after SIGINT:\n{reco.Output}");
        return (exitCode, clock.Elapsed);
    }

    /// <summary>The child gets SIGINT through kill(2) and starts through env --default-signal: Linux.</summary>
    private static void RequireSignals() =>
        Requirements.SkipUnless(OperatingSystem.IsLinux(), "reco watch's Ctrl+C tests send SIGINT to a child process (Linux)");
}
