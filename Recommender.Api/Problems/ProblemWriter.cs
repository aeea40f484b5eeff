namespace Recommender.Api.Problems;

/// <summary>
/// RFC 7807 answers written by middleware (the request limits, the rate limiter, the CSRF check, the
/// dashboard guard), where no endpoint and so no TypedResults are at hand: one shape for all of them.
/// </summary>
internal static class ProblemWriter
{
    public static async Task WriteProblemAsync(this HttpContext http, int status, string title, string detail,
        string? type = null, IDictionary<string, string[]>? errors = null)
    {
        http.Response.StatusCode = status;
        var context = new ProblemDetailsContext { HttpContext = http, ProblemDetails = { Status = status, Title = title, Detail = detail } };
        if (type is not null) context.ProblemDetails.Type = type;
        if (errors is not null) context.ProblemDetails.Extensions["errors"] = errors;
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(context);
    }
}
