namespace Recommender.AppHost;

public static class ProjectResourceExtensions
{
    /// <summary>
    /// The AppHost's environment for the project too (no launch profile sets one): Development under
    /// <c>dotnet run</c> and in tests, where the API asks for no key; elsewhere the API requires keys
    /// (pass <c>Security__ApiKeys__*</c> with <c>WithEnvironment</c>).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithHostEnvironment(this IResourceBuilder<ProjectResource> project, IDistributedApplicationBuilder builder) =>
        project.WithEnvironment("ASPNETCORE_ENVIRONMENT", builder.Environment.EnvironmentName)
            .WithEnvironment("DOTNET_ENVIRONMENT", builder.Environment.EnvironmentName);

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
