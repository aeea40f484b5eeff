using Recommender.Client.Api;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Recommender.Client.Commands;

/// <summary>
/// Base of every command: turns the usual failures into one red line and an exit code
/// (1 failed, 2 unreachable, 3 API error, 130 cancelled) instead of a stack trace.
/// </summary>
public abstract class RecoCommand<TSettings> : AsyncCommand<TSettings>
    where TSettings : RecoSettings
{
    public const int Failed = 1;
    public const int Unreachable = 2;
    public const int ApiError = 3;
    public const int Cancelled = 130;

    public sealed override async Task<int> ExecuteAsync(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        try
        {
            return await RunAsync(settings, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C: an OperationCanceledException, or whatever else failed on the way out (a connection
            // torn down mid-request) — the cancellation's doing either way, not an error to report.
            AnsiConsole.MarkupLine("[grey]Cancelled.[/]");
            return Cancelled;
        }
        catch (HttpRequestException ex) when (ex.StatusCode is { } status)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]The service at {settings.BaseUri.AbsoluteUri} answered {(int)status} {status}:[/] {ex.Message}");
            return ApiError;
        }
        catch (HttpRequestException ex)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]The service at {settings.BaseUri.AbsoluteUri} is unreachable:[/] {ex.Message}");
            return Unreachable;
        }
        catch (RecommenderApiException ex)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]The service refused the request:[/] {ex.Message}");
            // One line per field, so a filter's "at 7: unknown operator '=='" stands out.
            foreach (var (field, reasons) in ex.Errors)
            {
                foreach (var reason in reasons)
                {
                    AnsiConsole.MarkupLineInterpolated($"  [yellow]{field}[/]: {reason}");
                }
            }

            return ApiError;
        }
        catch (Microsoft.AspNetCore.SignalR.HubException ex)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]The service refused the request:[/] {ex.Message}");
            return ApiError;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or TimeoutException or InvalidOperationException or FormatException)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]{ex.Message}[/]");
            return Failed;
        }
    }

    protected abstract Task<int> RunAsync(TSettings settings, CancellationToken ct);
}
