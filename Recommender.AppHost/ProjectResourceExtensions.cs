namespace Recommender.AppHost;

public static class ProjectResourceExtensions
{
    /// <summary>
    /// An http endpoint whose process listens on 127.0.0.1 only. <c>Urls</c> (not ASPNETCORE_URLS)
    /// because the API's appsettings.json names <c>Urls</c>, which outranks the ASPNETCORE_ variables.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithLoopbackHttpEndpoint(this IResourceBuilder<ProjectResource> project)
    {
        project.WithHttpEndpoint(name: "http");
        var endpoint = project.GetEndpoint("http");
        return project.WithEnvironment(context =>
            context.EnvironmentVariables["Urls"] = ReferenceExpression.Create($"http://127.0.0.1:{endpoint.Property(EndpointProperty.TargetPort)}"));
    }
}
