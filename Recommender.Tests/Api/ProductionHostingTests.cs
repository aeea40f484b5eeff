using System.Net;
using Recommender.Tests.Infrastructure;

namespace Recommender.Tests.Api;

/// <summary>
/// The host as shipped (<c>dotnet Recommender.Api.dll</c>: the Production environment). Query
/// strings that do not bind are a client error in every environment, never a 500.
/// </summary>
public sealed class ProductionHostingTests(ProductionHostingTests.ProductionServer fixture) : IClassFixture<ProductionHostingTests.ProductionServer>
{
    /// <summary>One Production-environment server for the tests of this class.</summary>
    public sealed class ProductionServer : IAsyncLifetime
    {
        public ApiServer Server { get; private set; } = null!;
        public async Task InitializeAsync() => Server = await ApiServer.StartAsync(environment: "Production");
        public async Task DisposeAsync() => await Server.DisposeAsync();
    }

    private ApiServer Server => fixture.Server;

    public static TheoryData<string> UnboundQueries => new()
    {
        "/api/v1/users/someone/recommendations?k=ten",
        "/api/v1/users/someone/recommendations?explain=maybe",
        "/api/v1/items?limit=all",
        "/api/v1/popular?k=1e3",
        "/api/v1/items?offset=first",
    };

    [Theory]
    [MemberData(nameof(UnboundQueries))]
    public async Task A_query_value_that_does_not_bind_is_a_400_problem(string path)
    {
        var response = await Server.HttpClient.GetAsync(path);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{path}: expected 400, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Events_and_recommendations_work()
    {
        var user = ApiTestKit.NewId("u");
        var ack = await Server.HttpClient.PostEventsAsync(new { userId = user, itemId = "p1", type = "like" });
        Assert.Equal(1, ack.GetProperty("accepted").GetInt32());
        await Server.HttpClient.GetOkJsonAsync($"/api/v1/users/{user}/recommendations?k=5");
        await Server.HttpClient.GetOkJsonAsync("/health/ready");
    }
}
