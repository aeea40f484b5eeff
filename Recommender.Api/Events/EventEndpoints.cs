using Microsoft.AspNetCore.Http.HttpResults;
using System.Text.Json;
using Recommender.Api.Validation;

namespace Recommender.Api.Events;

public static class EventEndpoints
{
    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/events").WithTags("Events").RequireAuthorization(Security.ApiPolicies.Write);
        group.MapPost("/", PostEvents).WithName("RecordEvents")
            .WithSummary("Record one event or a batch of up to 10,000")
            .WithDescription("Answers once every event is in the durable log. A repeated eventId is acknowledged and not applied twice.")
            .Accepts<EventRequest[]>("application/json");
        return routes;
    }

    private static async Task<Results<Ok<EventsAccepted>, ValidationProblem, ProblemHttpResult>> PostEvents(HttpRequest request, EventIngest ingest, CancellationToken cancellationToken)
    {
        var (document, problem) = await JsonBody.ReadAsync(request, cancellationToken);
        if (problem is not null) return problem;
        using var _ = document;
        var root = document!.RootElement;
        var errors = new ValidationErrors();
        var now = DateTimeOffset.UtcNow;
        var events = new List<IncomingEvent>();
        JsonBatch.ForEach(root, "events", (element, prefix) =>
        {
            if (EventParser.Parse(element, prefix, errors, now) is { } e) events.Add(e);
        }, errors, single: true);

        if (errors.Any) return errors.ToResult();
        var result = await ingest.RecordAsync(events);
        return TypedResults.Ok(new EventsAccepted(result.Accepted, result.Duplicates));
    }
}

/// <summary>The acknowledgement: every accepted event is durable.</summary>
public sealed record EventsAccepted(int Accepted, int Duplicates);

/// <summary>
/// The documented shape of one event (the endpoint reads the body itself to name faulty fields).
/// The defaults mark what may be left out: the OpenAPI document lists a parameter without one as
/// required, and the TypeScript client is typed from that document.
/// </summary>
public sealed record EventRequest(string UserId, string ItemId, string Type, double? Value = null, DateTimeOffset? Timestamp = null,
    string? EventId = null, string? RecommendationId = null);
