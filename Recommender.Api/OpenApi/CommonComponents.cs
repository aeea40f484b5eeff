using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Recommender.Api.Security;

namespace Recommender.Api.OpenApi;

/// <summary>
/// What <see cref="CommonResponses"/> refers to: the API key scheme (<c>X-Api-Key</c>) and the
/// <c>ProblemDetails</c> schema (once, not inlined in every operation's 401/403/429/503).
/// </summary>
internal sealed class CommonComponents : IOpenApiDocumentTransformer
{
    public async Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.AddComponent(CommonResponses.KeyScheme, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = ApiKeyAuthenticationHandler.HeaderName,
            Description = "An API key; its scopes (read, write, admin) decide what it may call. A browser signs in with one (POST /api/v1/session) and is then known by its session cookie. In Development keys are not required.",
        });
        if (document.Components?.Schemas?.ContainsKey(CommonResponses.ProblemSchema) != true)
            document.AddComponent(CommonResponses.ProblemSchema, await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, cancellationToken));
    }
}
