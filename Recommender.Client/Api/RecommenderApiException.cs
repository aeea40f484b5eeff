using System.Net;
using System.Text;

namespace Recommender.Client.Api;

/// <summary>The service answered with an error status; <see cref="Problem"/> holds its problem details.</summary>
public sealed class RecommenderApiException : Exception
{
    /// <summary>An error answer of <paramref name="request"/> with its status and problem details.</summary>
    public RecommenderApiException(HttpStatusCode statusCode, ApiProblem problem, string? rawBody = null, string? request = null)
        : base((request is null ? "" : request + " → ") + Describe(statusCode, problem))
    {
        Request = request;
        StatusCode = statusCode;
        Problem = problem;
        RawBody = rawBody;
    }

    /// <summary>The HTTP status of the answer (400 invalid input, 401/403 key, 404, 409, 429, 5xx).</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>"METHOD /path?query" of the refused request, when known.</summary>
    public string? Request { get; }

    /// <summary>The RFC 7807 body (or one made from the status when the body was none).</summary>
    public ApiProblem Problem { get; }

    /// <summary>The body as received, when it was not a problem-details document.</summary>
    public string? RawBody { get; }

    /// <summary>The problem's title.</summary>
    public string? Title => Problem.Title;

    /// <summary>The problem's detail: what was wrong.</summary>
    public string? Detail => Problem.Detail;

    /// <summary>Validation failures: the field (<c>[3].value</c>) → its reasons; empty otherwise.</summary>
    public IReadOnlyDictionary<string, string[]> Errors =>
        Problem.Errors ?? new Dictionary<string, string[]>();

    private static string Describe(HttpStatusCode status, ApiProblem problem)
    {
        var text = new StringBuilder();
        text.Append((int)status).Append(' ').Append(problem.Title ?? status.ToString());
        if (!string.IsNullOrWhiteSpace(problem.Detail))
        {
            text.Append(": ").Append(problem.Detail);
        }

        if (problem.Errors is { Count: > 0 } errors)
        {
            foreach (var (field, reasons) in errors)
            {
                text.Append(" [").Append(field).Append(": ").Append(string.Join("; ", reasons)).Append(']');
            }
        }

        return text.ToString();
    }
}
