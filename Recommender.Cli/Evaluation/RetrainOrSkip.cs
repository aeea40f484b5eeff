using System.Net;
using Recommender.Client.Api;
using Spectre.Console;

namespace Recommender.Client.Evaluation;

/// <summary>
/// <c>POST /api/v1/model/retrain?wait=true</c>; a service without that endpoint (404) is evaluated on its
/// online learning alone, with a warning, rather than not at all.
/// </summary>
internal static class RetrainOrSkip
{
    public static async Task<ModelStatus> RunAsync(RecommenderClient client, CancellationToken ct)
    {
        try
        {
            return await client.RetrainAsync(wait: true, ct).ConfigureAwait(false);
        }
        catch (RecommenderApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            AnsiConsole.MarkupLine("[yellow]The service has no POST /api/v1/model/retrain (404): evaluating without a batch retrain.[/]");
            return new ModelStatus(null, null, null, null, null, null, null, "no retrain endpoint", null);
        }
    }
}
