using Microsoft.AspNetCore.OutputCaching;

namespace Recommender.Api.Hosting;

/// <summary>
/// Keeps the OpenAPI document once built: it depends only on the code, so a cached copy is valid
/// for the process's life. Unlike the default output-cache policy it also serves callers that
/// send a key (the document is the same for all) and it never stores an error.
/// </summary>
internal sealed class OpenApiCache : IOutputCachePolicy
{
    public const string PolicyName = "openapi";

    public ValueTask CacheRequestAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        var get = HttpMethods.IsGet(context.HttpContext.Request.Method) || HttpMethods.IsHead(context.HttpContext.Request.Method);
        context.EnableOutputCaching = true;
        context.AllowCacheLookup = get;
        context.AllowCacheStorage = get;
        context.AllowLocking = true;
        context.ResponseExpirationTimeSpan = TimeSpan.FromDays(365);
        return ValueTask.CompletedTask;
    }

    public ValueTask ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellation) => ValueTask.CompletedTask;

    public ValueTask ServeResponseAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        if (context.HttpContext.Response.StatusCode != StatusCodes.Status200OK) context.AllowCacheStorage = false;
        return ValueTask.CompletedTask;
    }
}
