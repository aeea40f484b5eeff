using Microsoft.AspNetCore.Http.Features;

namespace Recommender.Api.Problems;

/// <summary>
/// The request line and header limits, checked in the application so that a refusal is a problem
/// details body. Kestrel answers its own limits before any middleware runs, with an empty body; its
/// limits are therefore set well above these (<see cref="ConfigureKestrel"/>), and only requests
/// beyond those hard limits still get Kestrel's empty 414/431.
/// </summary>
public static class RequestLimits
{
    /// <summary>Request line (method, target, version): Kestrel's default, 8 KB.</summary>
    public const int MaxRequestLineBytes = 8 * 1024;
    /// <summary>All header lines together: Kestrel's default, 32 KB.</summary>
    public const int MaxHeaderBytes = 32 * 1024;
    /// <summary>Header lines: Kestrel's default, 100.</summary>
    public const int MaxHeaderCount = 100;

    /// <summary>Kestrel's own limits, where it refuses with an empty body before the application sees the request.</summary>
    public const int HardRequestLineBytes = 64 * 1024, HardHeaderBytes = 64 * 1024, HardHeaderCount = 200;

    public static WebApplicationBuilder AddRequestLimits(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(ConfigureKestrel);
        return builder;
    }

    public static void ConfigureKestrel(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions kestrel)
    {
        kestrel.Limits.MaxRequestLineSize = HardRequestLineBytes;
        kestrel.Limits.MaxRequestHeadersTotalSize = HardHeaderBytes;
        kestrel.Limits.MaxRequestHeaderCount = HardHeaderCount;
    }

    /// <summary>First in the pipeline, as Kestrel's check was: an oversized request is refused before keys, routing or bodies.</summary>
    public static WebApplication UseRequestLimits(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (Violation(context) is not { } problem)
            {
                await next(context);
                return;
            }
            await context.WriteProblemAsync(problem.Status, problem.Title, problem.Detail);
        });
        return app;
    }

    private static (int Status, string Title, string Detail)? Violation(HttpContext context)
    {
        var request = context.Request;
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path.Value ?? "";
        // As Kestrel counts it: "METHOD SP target SP version CRLF".
        var line = request.Method.Length + 1 + target.Length + 1 + request.Protocol.Length + 2;
        if (line > MaxRequestLineBytes)
            return (StatusCodes.Status414UriTooLong, "The request line is too long.",
                $"The request line (method, path and query) holds {line} bytes; at most {MaxRequestLineBytes} are accepted.");

        int count = 0, bytes = 0;
        foreach (var (name, values) in request.Headers)
        {
            foreach (var value in values)
            {
                count++;
                bytes += name.Length + 2 + (value?.Length ?? 0) + 2; // "name: value CRLF"
            }
        }
        if (count > MaxHeaderCount)
            return (StatusCodes.Status431RequestHeaderFieldsTooLarge, "Too many request headers.", $"The request has {count} header lines; at most {MaxHeaderCount} are accepted.");
        if (bytes > MaxHeaderBytes)
            return (StatusCodes.Status431RequestHeaderFieldsTooLarge, "The request headers are too large.", $"The request headers hold {bytes} bytes; at most {MaxHeaderBytes} are accepted.");
        return null;
    }
}
