namespace Recommender.Api.OpenApi;

public static class OpenApiExtensions
{
    /// <summary>
    /// The OpenAPI document (<c>/openapi/v1.json</c>) as the contract clients are generated from:
    /// operation ids (<c>.WithName</c>), real parameter types, the common problem answers and the
    /// key scheme, the hub's pushed shapes; without the Orleans Dashboard's routes, which are the
    /// dashboard's own page and not this API.
    /// </summary>
    public static IServiceCollection AddRecommenderOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(o =>
        {
            o.ShouldInclude = description => !IsDashboard(description.RelativePath);
            o.AddDocumentTransformer<HubMessagesInOpenApi>();
            o.AddDocumentTransformer<CommonComponents>();
            o.AddOperationTransformer<QueryParameters>();
            o.AddOperationTransformer<CommonResponses>();
        });

    private static bool IsDashboard(string? relativePath) =>
        relativePath is not null && (relativePath == "dashboard" || relativePath.StartsWith("dashboard/", StringComparison.OrdinalIgnoreCase));
}
