using Microsoft.Playwright;

namespace Recommender.Tests.Browser;

/// <summary>What a page reports that a person would see as broken: console errors, script errors, 4xx/5xx answers, failed requests.</summary>
internal static class BrowserErrors
{
    public static void Collect(IPage page, List<string> errors)
    {
        page.Console += (_, message) =>
        {
            if (message.Type == "error") lock (errors) errors.Add($"console: {message.Text} ({message.Location})");
        };
        page.PageError += (_, error) => { lock (errors) errors.Add($"page error: {error}"); };
        page.Response += (_, response) =>
        {
            if (response.Status >= 400) lock (errors) errors.Add($"HTTP {response.Status} {response.Request.Method} {response.Url}");
        };
        page.RequestFailed += (_, request) =>
        {
            // A hub transport torn down when the page closes is not an error of the page.
            if (!request.Url.Contains("/hubs/")) lock (errors) errors.Add($"request failed: {request.Method} {request.Url} {request.Failure}");
        };
    }
}
