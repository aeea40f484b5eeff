using Microsoft.AspNetCore.Diagnostics;
using StackExchange.Redis;

namespace Recommender.Api.Problems;

/// <summary>
/// Turns "the store or the cluster is unreachable" into 503 problem details with Retry-After
/// (the request changed nothing that was acknowledged; retrying with the same eventId is safe).
/// A <see cref="Grains.Rules.RuleException"/> is a 400 naming its field. Everything else becomes a 500 problem without internals.
/// </summary>
public sealed class StoreUnavailableHandler(IProblemDetailsService problems, ILogger<StoreUnavailableHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is BadHttpRequestException bad)
        {
            // The framework's own 4xx (a body too large, a malformed request line…): keep its status.
            context.Response.StatusCode = bad.StatusCode;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = { Status = bad.StatusCode, Title = "The request is invalid.", Detail = bad.Message },
            });
        }
        if (exception is Grains.Rules.RuleException rule)
        {
            // A rule the request names cannot be applied (unknown stored filter, a $parameter not given): the
            // request's fault, found on the silo that ranks. Nothing changed.
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = 400, Title = "The request is invalid.", Type = "https://tools.ietf.org/html/rfc9110#section-15.5.1",
                    Extensions = { ["errors"] = new Dictionary<string, string[]> { [rule.Field] = [rule.Reason] } },
                },
            });
        }
        var unavailable = IsUnavailable(exception);
        if (unavailable) logger.LogWarning("Storage or cluster unavailable: {Message}", exception.Message);
        else logger.LogError(exception, "Unhandled error");
        context.Response.StatusCode = unavailable ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError;
        if (unavailable) context.Response.Headers.RetryAfter = "1";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails =
            {
                Status = context.Response.StatusCode,
                Title = unavailable ? "The store or the cluster is unavailable; retry shortly." : "An unexpected error occurred.",
                Detail = unavailable ? "Events of this request may or may not have been recorded: resend them with the same eventId (a repeat is not applied twice)." : null,
            },
        });
    }

    private static bool IsUnavailable(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is RedisException or TimeoutException or SiloUnavailableException or OrleansMessageRejectionException
                or Orleans.Storage.InconsistentStateException or OperationCanceledException)
                return true;
            if (e.GetType().FullName?.Contains("Redis", StringComparison.Ordinal) == true) return true;
            // The store's socket reset mid-command (StackExchange.Redis surfaces Pipelines' ConnectionResetException
            // unwrapped): the two 500s RedisOutageTests saw in CI were this.
            if (e is System.Net.Sockets.SocketException || e.GetType().FullName?.StartsWith("Pipelines.Sockets", StringComparison.Ordinal) == true) return true;
            if (e is AggregateException { InnerExceptions.Count: > 0 } aggregate && aggregate.InnerExceptions.Any(IsUnavailable)) return true;
        }
        return false;
    }
}
