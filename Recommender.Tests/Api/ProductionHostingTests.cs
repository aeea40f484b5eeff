using Recommender.Tests.Infrastructure;

namespace Recommender.Tests.Api;

/// <summary>
/// The host as shipped (<c>dotnet Recommender.Api.dll</c>: the Production environment). Query
/// strings that do not bind are a client error in every environment, never a 500.
/// </summary>
public sealed class ProductionHostingTests(ProductionHostingTests.ProductionServer fixture) : IClassFixture<ProductionHostingTests.ProductionServer>
{
    /// <summary>One Production-environment server for the tests of this class, with an admin key (keys are required outside Development).</summary>
    public sealed class ProductionServer : IAsyncLifetime
    {
        private const string Key = "production-tests-key-4b9e1f7c";
        private ApiServer _server = null!;
        public HttpClient Http { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            _server = await ApiServer.StartAsync(new Dictionary<string, string>
            {
                ["Security:ApiKeys:0:Name"] = "production-tests",
                ["Security:ApiKeys:0:Key"] = Key,
                ["Security:ApiKeys:0:Scopes:0"] = "admin",
            }, environment: "Production");
            Http = _server.CreateClient();
            Http.DefaultRequestHeaders.Add("X-Api-Key", Key);
        }

        public async Task DisposeAsync()
        {
            Http.Dispose();
            await _server.DisposeAsync();
        }
    }

    private HttpClient Http => fixture.Http;

    [Theory]
    [InlineData("/api/v1/users/someone/recommendations?k=ten", "k")]
    [InlineData("/api/v1/users/someone/recommendations?explain=maybe", "explain")]
    [InlineData("/api/v1/items?limit=all", "limit")]
    [InlineData("/api/v1/items?offset=first", "offset")]
    [InlineData("/api/v1/popular?k=1e3", "k")]
    [InlineData("/api/v1/items/some-item/similar?k=x", "k")]
    public async Task A_query_value_of_the_wrong_kind_is_a_400_problem_naming_it(string path, string field)
    {
        var response = await Http.GetAsync(path);
        await response.AssertValidationProblemAsync(field);
    }

    [Fact]
    public async Task Events_and_recommendations_work()
    {
        var user = ApiTestKit.NewId("u");
        var ack = await Http.PostEventsAsync(new { userId = user, itemId = "p1", type = "like" });
        Assert.Equal(1, ack.GetProperty("accepted").GetInt32());
        await Http.GetOkJsonAsync($"/api/v1/users/{user}/recommendations?k=5");
        await Http.GetOkJsonAsync("/health/ready");
    }
}
