using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Recommender.Client.Commands;
using Recommender.Tests.Infrastructure;

namespace Recommender.Tests.Cli;

/// <summary>A test API server with six items: three of brand acme (prices 10, 20, 30), three of globex (15, 25, 35).</summary>
public sealed class CatalogCliServer : IAsyncLifetime
{
    public ApiServer Server { get; private set; } = null!;
    public string Url => Server.BaseAddress.ToString().TrimEnd('/');

    public async Task InitializeAsync()
    {
        Server = await ApiServer.StartAsync();
        var items = new[] { ("acme", 10), ("acme", 20), ("acme", 30), ("globex", 15), ("globex", 25), ("globex", 35) }
            .Select((b, i) => new
            {
                itemId = $"cli-{b.Item1}-{b.Item2}", title = $"{b.Item1} thing {b.Item2}", categories = new[] { b.Item2 < 20 ? "Cheap" : "Dear" },
                properties = new { brand = b.Item1, price = b.Item2 },
                createdAt = DateTimeOffset.UtcNow.AddDays(-10 + i),
            });
        (await Server.HttpClient.PostAsJsonAsync("/api/v1/items", items)).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary><c>reco items</c> and <c>reco filters</c>, the real CLI in a child process against a test API server.</summary>
public sealed class CatalogCommandTests(CatalogCliServer fixture, Xunit.Abstractions.ITestOutputHelper log) : IClassFixture<CatalogCliServer>
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    private async Task<(int ExitCode, string Output)> RecoAsync(params string[] args)
    {
        var result = await RecoProcess.RunAsync([.. args, "--url", fixture.Url], Within);
        log.WriteLine($"$ reco {string.Join(' ', args)}  → {result.ExitCode}\n{result.Output}");
        return result;
    }

    private Task<JsonElement> ItemAsync(string id) => fixture.Server.HttpClient.GetFromJsonAsync<JsonElement>($"/api/v1/items/{id}");

    [Fact]
    public async Task Items_put_types_each_property_and_get_shows_them()
    {
        var (code, output) = await RecoAsync("items", "put", "cli-boots", "--title", "Boots", "--category", "Shoes", "--category", "Winter",
            "--property", "price=49.5", "--property", "onSale=true", "--property", "tags=[winter, leather]",
            "--property", "releasedAt=2026-01-02T03:04:05+01:00", "--property", "brand=acme", "--property", "code='42'");
        Assert.Equal(0, code);
        Assert.Contains("Boots", output);

        var properties = (await ItemAsync("cli-boots")).GetProperty("properties");
        Assert.Equal(49.5, properties.GetProperty("price").GetDouble());
        Assert.True(properties.GetProperty("onSale").GetBoolean());
        Assert.Equal(["winter", "leather"], properties.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!).ToArray());
        Assert.Equal("2026-01-02T02:04:05.000Z", properties.GetProperty("releasedAt").GetString());
        Assert.Equal("acme", properties.GetProperty("brand").GetString());
        Assert.Equal(JsonValueKind.String, properties.GetProperty("code").ValueKind);

        (code, output) = await RecoAsync("items", "get", "cli-boots");
        Assert.Equal(0, code);
        Assert.Contains("49.5", output);
        Assert.Contains("[winter,leather]", output);
        Assert.Contains("Shoes, Winter", output);
    }

    [Fact]
    public async Task Items_lists_by_filter_category_and_limit()
    {
        var (code, output) = await RecoAsync("items", "--filter", "brand = 'acme' AND price >= 20 AND price <= 30", "--sort", "id");
        Assert.Equal(0, code);
        Assert.Contains("cli-acme-20", output);
        Assert.Contains("cli-acme-30", output);
        Assert.DoesNotContain("cli-acme-10", output);
        Assert.DoesNotContain("cli-globex", output);
        Assert.Contains("brand=acme, price=20", output);
        Assert.Contains("2 of 2 items", output);

        (code, output) = await RecoAsync("items", "list", "--category", "Cheap", "--filter", "price > $min", "--param", "min=12", "--sort", "id");
        Assert.Equal(0, code);
        Assert.Contains("cli-globex-15", output);
        Assert.DoesNotContain("cli-acme-10", output);

        (code, output) = await RecoAsync("items", "--filter", "brand EXISTS", "--limit", "2");
        Assert.Equal(0, code);
        Assert.Matches(@"2 of \d+ items", output);
    }

    [Fact]
    public async Task An_invalid_filter_prints_its_field_position_and_reason_and_fails()
    {
        var (code, output) = await RecoAsync("items", "--filter", "price == 10");
        Assert.Equal(RecoCommand<RecoSettings>.ApiError, code);
        Assert.Contains("filter: at 6: unknown operator '=='", output);

        (code, output) = await RecoAsync("items", "put", "cli-bad", "--title", "Bad", "--property", "nested=1", "--property", "bad name=1");
        Assert.NotEqual(0, code);
        Assert.Contains("properties.bad name", output);

        (code, output) = await RecoAsync("items", "put", "cli-bad", "--title", "Bad", "--property", "novalue");
        Assert.Equal(RecoCommand<RecoSettings>.Failed, code);
        Assert.Contains("expected name=value", output);
    }

    [Fact]
    public async Task Items_patch_hides_shows_expires_and_changes_properties()
    {
        (await fixture.Server.HttpClient.PutAsJsonAsync("/api/v1/items/cli-patched", new { title = "P", categories = new[] { "X" }, properties = new { price = 5, colour = "red" } })).EnsureSuccessStatusCode();

        var (code, output) = await RecoAsync("items", "patch", "cli-patched", "--property", "price=7", "--unset", "colour", "--hide");
        Assert.Equal(0, code);
        Assert.Contains("no (hidden)", output);
        var item = await ItemAsync("cli-patched");
        Assert.Equal(7, item.GetProperty("properties").GetProperty("price").GetDouble());
        Assert.False(item.GetProperty("properties").TryGetProperty("colour", out _));
        Assert.True(item.GetProperty("hidden").GetBoolean());

        (code, _) = await RecoAsync("items", "patch", "cli-patched", "--show", "--expires", "2020-01-01T00:00:00Z");
        Assert.Equal(0, code);
        item = await ItemAsync("cli-patched");
        Assert.False(item.GetProperty("hidden").GetBoolean());
        Assert.False(item.GetProperty("available").GetBoolean());

        (code, _) = await RecoAsync("items", "patch", "cli-patched", "--expires", "none");
        Assert.Equal(0, code);
        Assert.True((await ItemAsync("cli-patched")).GetProperty("available").GetBoolean());

        (code, output) = await RecoAsync("items", "patch", "cli-patched");
        Assert.NotEqual(0, code);
        Assert.Contains("Nothing to change", output);
    }

    [Fact]
    public async Task Items_delete_removes_an_item_and_get_then_fails()
    {
        (await fixture.Server.HttpClient.PutAsJsonAsync("/api/v1/items/cli-doomed", new { title = "Doomed", categories = new[] { "X" } })).EnsureSuccessStatusCode();
        var (code, output) = await RecoAsync("items", "delete", "cli-doomed");
        Assert.Equal(0, code);
        Assert.Contains("Deleted item cli-doomed", output);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Server.HttpClient.GetAsync("/api/v1/items/cli-doomed")).StatusCode);

        (code, output) = await RecoAsync("items", "get", "cli-doomed");
        Assert.Equal(RecoCommand<RecoSettings>.ApiError, code);
        Assert.Contains("No item 'cli-doomed'", output);
        (code, _) = await RecoAsync("items", "delete", "cli-never-was");
        Assert.Equal(RecoCommand<RecoSettings>.ApiError, code);
    }

    [Fact]
    public async Task Items_latest_lists_the_newest_under_a_filter()
    {
        var (code, output) = await RecoAsync("items", "latest", "--filter", "brand = 'globex'", "--limit", "2");
        Assert.Equal(0, code);
        var newest = output.IndexOf("cli-globex-35", StringComparison.Ordinal);
        var next = output.IndexOf("cli-globex-25", StringComparison.Ordinal);
        Assert.True(newest >= 0 && next > newest, output);
        Assert.DoesNotContain("cli-globex-15", output);
        Assert.DoesNotContain("cli-acme", output);
    }

    [Fact]
    public async Task Filters_put_get_list_items_and_delete()
    {
        var (code, output) = await RecoAsync("filters", "put", "cli-under", "price < $max", "--description", "under a budget");
        Assert.Equal(0, code);
        Assert.Contains("Stored filter cli-under", output);
        Assert.Contains("$max", output);

        (code, output) = await RecoAsync("filters", "get", "cli-under");
        Assert.Equal(0, code);
        Assert.Contains("price < $max", output);
        Assert.Contains("under a budget", output);

        (code, output) = await RecoAsync("filters");
        Assert.Equal(0, code);
        Assert.Contains("cli-under", output);

        (code, output) = await RecoAsync("filters", "items", "cli-under", "--param", "max=16");
        Assert.Equal(0, code);
        Assert.Contains("keeps", output);
        Assert.Contains("cli-acme-10", output);
        Assert.Contains("cli-globex-15", output);
        Assert.DoesNotContain("cli-acme-20", output);

        (code, output) = await RecoAsync("items", "--filter-name", "cli-under", "--param", "max=11");
        Assert.Equal(0, code);
        Assert.Contains("cli-acme-10", output);
        Assert.DoesNotContain("cli-globex-15", output);

        (code, output) = await RecoAsync("filters", "delete", "cli-under");
        Assert.Equal(0, code);
        (code, output) = await RecoAsync("filters", "get", "cli-under");
        Assert.Equal(RecoCommand<RecoSettings>.ApiError, code);
        Assert.Contains("No stored filter 'cli-under'", output);
    }

    [Fact]
    public async Task Filters_put_refuses_an_expression_that_does_not_parse_naming_where_and_why()
    {
        var (code, output) = await RecoAsync("filters", "put", "cli-broken", "(price < 5");
        Assert.Equal(RecoCommand<RecoSettings>.ApiError, code);
        Assert.Contains("expression: at 10: expected ')'", output);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Server.HttpClient.GetAsync("/api/v1/filters/cli-broken")).StatusCode);
    }
}

/// <summary>How <c>--property name=value</c> is typed.</summary>
public sealed class PropertyArgumentTests
{
    [Theory]
    [InlineData("9.5", "9.5")]
    [InlineData("-3", "-3")]
    [InlineData("true", "true")]
    [InlineData("false", "false")]
    [InlineData("[a, b]", "[\"a\",\"b\"]")]
    [InlineData("[]", "[]")]
    [InlineData("acme", "\"acme\"")]
    [InlineData("'42'", "\"42\"")]
    [InlineData("2026-01-02T03:04:05+01:00", "\"2026-01-02T02:04:05.000Z\"")]
    [InlineData("2026-01-02", "\"2026-01-02\"")]
    [InlineData("NaN", "\"NaN\"")]
    public void A_value_is_typed_by_its_text(string text, string json) =>
        Assert.Equal(json, PropertyArguments.Value(text).ToJsonString());
}
