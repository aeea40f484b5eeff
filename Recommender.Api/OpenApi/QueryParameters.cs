using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Recommender.Api.OpenApi;

/// <summary>
/// The real types of query parameters. Handlers bind them as text and parse them with
/// <c>QueryValues</c>, so that a bad value is a 400 naming the field and the reason rather than the
/// framework's bare binding failure; left alone, the document would call every one a string
/// (<c>k</c> was one). This gives each its type, and adds the filter parameters that list
/// endpoints read from the query themselves (<see cref="WithFilterParameters"/>).
/// </summary>
internal sealed class QueryParameters : IOpenApiOperationTransformer
{
    /// <summary>By name: the same meaning on every endpoint that takes it.</summary>
    private static readonly Dictionary<string, (JsonSchemaType Type, string? Format)> Types = new(StringComparer.Ordinal)
    {
        ["k"] = (JsonSchemaType.Integer, "int32"),
        ["limit"] = (JsonSchemaType.Integer, "int32"),
        ["offset"] = (JsonSchemaType.Integer, "int32"),
        ["explain"] = (JsonSchemaType.Boolean, null),
        ["rotation"] = (JsonSchemaType.Boolean, null),
        ["rules"] = (JsonSchemaType.Boolean, null),
        ["wait"] = (JsonSchemaType.Boolean, null),
        ["exploration"] = (JsonSchemaType.Number, "double"),
    };

    /// <summary>Marks an endpoint that reads <c>filter</c>, <c>filterName</c> and <c>param.&lt;name&gt;</c> (<c>FilterQuery</c>).</summary>
    internal sealed record FilterParametersMarker;

    public static TBuilder WithFilterParameters<TBuilder>(TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new FilterParametersMarker());

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var parameter in operation.Parameters ?? [])
        {
            if (parameter is not OpenApiParameter { In: ParameterLocation.Query } query || query.Name is null) continue;
            if (!Types.TryGetValue(query.Name, out var type)) continue;
            query.Schema = new OpenApiSchema { Type = type.Type, Format = type.Format };
        }
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<FilterParametersMarker>().Any())
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(Text("filter", "A filter expression (docs/FILTERS.md); a mistake is a 400 naming its position."));
            operation.Parameters.Add(Text("filterName", "A stored filter (/api/v1/filters). `param.<name>` binds each of its $parameters (a JSON value, or the text itself)."));
        }
        return Task.CompletedTask;
    }

    private static OpenApiParameter Text(string name, string description) => new()
    {
        Name = name,
        In = ParameterLocation.Query,
        Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
    };
}

internal static class FilterParametersExtensions
{
    /// <summary>The endpoint reads <c>filter</c>, <c>filterName</c> and <c>param.&lt;name&gt;</c>: the document lists them.</summary>
    public static RouteHandlerBuilder WithFilterParameters(this RouteHandlerBuilder builder) => QueryParameters.WithFilterParameters(builder);
}
