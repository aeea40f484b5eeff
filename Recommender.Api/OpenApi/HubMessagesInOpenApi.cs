using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Recommender.Api.Live;
using Recommender.Grains.Experiments;

namespace Recommender.Api.OpenApi;

/// <summary>
/// Puts the shapes the hub pushes (<c>rankingChanged</c>, <c>experimentResults</c>) into the
/// OpenAPI document's components. No endpoint returns them, so the document would otherwise not
/// describe them; with them there, the TypeScript client's hub types are generated from the same
/// document as its REST types and are checked against it by the same test (no drift on either).
/// </summary>
internal sealed class HubMessagesInOpenApi : IOpenApiDocumentTransformer
{
    /// <summary>The pushed messages, by the name they take in components/schemas.</summary>
    static readonly (string Name, Type Type)[] Pushed =
    [
        (nameof(RankingChangedMessage), typeof(RankingChangedMessage)),
        (nameof(ExperimentResults), typeof(ExperimentResults)),
    ];

    public async Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var (name, type) in Pushed)
        {
            var schema = await context.GetOrCreateSchemaAsync(type, null, cancellationToken);
            document.AddComponent(name, schema);
        }
    }
}
