using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.OpenApi;
using Recommender.Api.Security;

namespace Recommender.Api.OpenApi;

/// <summary>
/// The answers every operation may give besides its own, which no endpoint declares one by one:
/// 401 and 403 where a scope is needed (the scope from <see cref="ApiScopes.Required(string, RoutePattern)"/>,
/// the same table the authorization uses), 429 from the global rate limiter, 503 when the store or
/// the cluster is unreachable (<c>StoreUnavailableHandler</c>). All are RFC 7807 problems. An
/// operation that needs a scope also names the key scheme it is called with.
/// </summary>
internal sealed class CommonResponses : IOpenApiOperationTransformer
{
    public const string KeyScheme = "ApiKey";
    public const string ProblemSchema = nameof(ProblemDetails);

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var problem = new OpenApiSchemaReference(ProblemSchema, context.Document);
        operation.Responses ??= [];
        var method = context.Description.HttpMethod ?? "GET";
        var scope = ApiScopes.Required(method, RoutePatternFactory.Parse("/" + (context.Description.RelativePath ?? "")));
        if (scope is not null)
        {
            Add(operation, "401", "No valid key (when keys are required): send one in X-Api-Key, or sign in", problem);
            Add(operation, "403", $"The key lacks the `{scope}` scope", problem);
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(KeyScheme, context.Document)] = [] });
        }
        Add(operation, "429", "The rate limit of this key or address was reached; Retry-After says when to retry", problem);
        Add(operation, "503", "The store or the cluster is unreachable; Retry-After says when to retry", problem);
        return Task.CompletedTask;
    }

    private static void Add(OpenApiOperation operation, string status, string description, IOpenApiSchema problem)
    {
        if (operation.Responses!.ContainsKey(status)) return;
        operation.Responses[status] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() { Schema = problem } },
        };
    }
}
