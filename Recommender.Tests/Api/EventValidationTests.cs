using System.Net.Http.Json;
using System.Text;
using Recommender.Tests.Infrastructure;

namespace Recommender.Tests.Api;

/// <summary>
/// Every malformed event is refused with a 400 problem naming the faulty field, and a refused
/// request changes nothing: not its user, not its items — not even the valid events of a batch.
/// </summary>
[Collection(ApiServerCollection.Name)]
public sealed class EventValidationTests(ApiServerFixture fixture)
{
    private HttpClient Http => fixture.Http;

    private static readonly string Long129 = new('u', 129);

    /// <summary>
    /// (case, body, field named in errors). <c>$U</c>, <c>$I</c>, <c>$J</c> become a fresh user and two
    /// fresh items per case; after the 400, none of them may exist.
    /// </summary>
    public static TheoryData<string, string, string> InvalidEvents => new()
    {
        // type
        { "unknown type", """{"userId":"$U","itemId":"$I","type":"teleport"}""", "type" },
        { "missing type", """{"userId":"$U","itemId":"$I"}""", "type" },
        { "empty type", """{"userId":"$U","itemId":"$I","type":""}""", "type" },
        { "type as number", """{"userId":"$U","itemId":"$I","type":3}""", "type" },
        // rating value
        { "rating without value", """{"userId":"$U","itemId":"$I","type":"rating"}""", "value" },
        { "rating with null value", """{"userId":"$U","itemId":"$I","type":"rating","value":null}""", "value" },
        { "rating 0", """{"userId":"$U","itemId":"$I","type":"rating","value":0}""", "value" },
        { "rating 6", """{"userId":"$U","itemId":"$I","type":"rating","value":6}""", "value" },
        { "rating -1", """{"userId":"$U","itemId":"$I","type":"rating","value":-1}""", "value" },
        { "rating 5.0001", """{"userId":"$U","itemId":"$I","type":"rating","value":5.0001}""", "value" },
        { "rating 0.9999", """{"userId":"$U","itemId":"$I","type":"rating","value":0.9999}""", "value" },
        { "rating as text", """{"userId":"$U","itemId":"$I","type":"rating","value":"five"}""", "value" },
        { "rating NaN as text", """{"userId":"$U","itemId":"$I","type":"rating","value":"NaN"}""", "value" },
        { "rating Infinity as text", """{"userId":"$U","itemId":"$I","type":"rating","value":"Infinity"}""", "value" },
        { "rating as boolean", """{"userId":"$U","itemId":"$I","type":"rating","value":true}""", "value" },
        { "rating huge", """{"userId":"$U","itemId":"$I","type":"rating","value":1e400}""", "value" },
        // value as an amount on other kinds
        { "negative play count", """{"userId":"$U","itemId":"$I","type":"view","value":-3}""", "value" },
        { "amount above a billion", """{"userId":"$U","itemId":"$I","type":"purchase","value":1000000001}""", "value" },
        { "amount as a word", """{"userId":"$U","itemId":"$I","type":"view","value":"twelve"}""", "value" },
        // userId
        { "missing userId", """{"itemId":"$I","type":"view"}""", "userId" },
        { "empty userId", """{"userId":"","itemId":"$I","type":"view"}""", "userId" },
        { "null userId", """{"userId":null,"itemId":"$I","type":"view"}""", "userId" },
        { "number as userId", """{"userId":123,"itemId":"$I","type":"view"}""", "userId" },
        { "array as userId", """{"userId":["$U"],"itemId":"$I","type":"view"}""", "userId" },
        { "userId of 129 characters", $$"""{"userId":"{{Long129}}","itemId":"$I","type":"view"}""", "userId" },
        { "userId with a space", """{"userId":"$U x","itemId":"$I","type":"view"}""", "userId" },
        { "userId with a leading space", """{"userId":" $U","itemId":"$I","type":"view"}""", "userId" },
        { "userId with a slash", """{"userId":"$U/x","itemId":"$I","type":"view"}""", "userId" },
        { "userId with a control character", """{"userId":"$U\u0001","itemId":"$I","type":"view"}""", "userId" },
        { "userId with a tab", """{"userId":"$U\t","itemId":"$I","type":"view"}""", "userId" },
        { "userId with NUL", """{"userId":"$U\u0000","itemId":"$I","type":"view"}""", "userId" },
        { "userId with a newline", """{"userId":"$U\n","itemId":"$I","type":"view"}""", "userId" },
        { "userId with an accent", """{"userId":"$Ué","itemId":"$I","type":"view"}""", "userId" },
        { "userId with an emoji", """{"userId":"$U\ud83c\udfac","itemId":"$I","type":"view"}""", "userId" },
        { "userId with a pipe", """{"userId":"$U|x","itemId":"$I","type":"view"}""", "userId" },
        { "userId with a percent", """{"userId":"$U%20","itemId":"$I","type":"view"}""", "userId" },
        // itemId
        { "missing itemId", """{"userId":"$U","type":"view"}""", "itemId" },
        { "empty itemId", """{"userId":"$U","itemId":"","type":"view"}""", "itemId" },
        { "object as itemId", """{"userId":"$U","itemId":{},"type":"view"}""", "itemId" },
        { "number as itemId", """{"userId":"$U","itemId":42,"type":"view"}""", "itemId" },
        { "itemId of 129 characters", $$"""{"userId":"$U","itemId":"{{Long129}}","type":"view"}""", "itemId" },
        { "itemId with a slash", """{"userId":"$U","itemId":"$I/x","type":"view"}""", "itemId" },
        { "itemId with a comma", """{"userId":"$U","itemId":"$I,x","type":"view"}""", "itemId" },
        { "itemId in Chinese", """{"userId":"$U","itemId":"电影","type":"view"}""", "itemId" },
        { "itemId with a space", """{"userId":"$U","itemId":"$I x","type":"view"}""", "itemId" },
        // eventId
        { "eventId with a space", """{"userId":"$U","itemId":"$I","type":"view","eventId":"e 1"}""", "eventId" },
        { "empty eventId", """{"userId":"$U","itemId":"$I","type":"view","eventId":""}""", "eventId" },
        { "number as eventId", """{"userId":"$U","itemId":"$I","type":"view","eventId":42}""", "eventId" },
        { "eventId of 129 characters", $$"""{"userId":"$U","itemId":"$I","type":"view","eventId":"{{Long129}}"}""", "eventId" },
        // timestamp
        { "timestamp far in the future", """{"userId":"$U","itemId":"$I","type":"view","timestamp":"2999-01-01T00:00:00Z"}""", "timestamp" },
        { "timestamp two days ahead", $$"""{"userId":"$U","itemId":"$I","type":"view","timestamp":"{{DateTimeOffset.UtcNow.AddDays(2):O}}"}""", "timestamp" },
        { "timestamp before 1970", """{"userId":"$U","itemId":"$I","type":"view","timestamp":"1969-12-31T23:59:59Z"}""", "timestamp" },
        { "timestamp garbage", """{"userId":"$U","itemId":"$I","type":"view","timestamp":"yesterday"}""", "timestamp" },
        { "timestamp empty", """{"userId":"$U","itemId":"$I","type":"view","timestamp":""}""", "timestamp" },
        { "timestamp as number", """{"userId":"$U","itemId":"$I","type":"view","timestamp":1700000000}""", "timestamp" },
        { "timestamp year 10000", """{"userId":"$U","itemId":"$I","type":"view","timestamp":"10000-01-01T00:00:00Z"}""", "timestamp" },
        // the body itself
        { "malformed JSON (truncated)", """{"userId":"$U","itemId":"$I","type":"view" """, "body" },
        { "malformed JSON (trailing comma)", """{"userId":"$U","itemId":"$I","type":"view",}""", "body" },
        { "malformed JSON (single quotes)", """{'userId':'$U','itemId':'$I','type':'view'}""", "body" },
        { "malformed JSON (comment)", """{"userId":"$U","itemId":"$I","type":"view" /* hi */}""", "body" },
        { "malformed JSON (two documents)", """{"userId":"$U","itemId":"$I","type":"view"}{"userId":"$U","itemId":"$J","type":"view"}""", "body" },
        { "nested deeper than allowed", """{"userId":"$U","itemId":"$I","type":"view","x":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]}""", "body" },
        { "empty body", "", "body" },
        { "a string", "\"view\"", "body" },
        { "a number", "42", "body" },
        { "null", "null", "body" },
        { "an empty batch", "[]", "body" },
        // batches: one faulty event refuses the whole batch
        { "a batch holding an array", """[["$U","$I","view"]]""", "[0]" },
        { "a batch holding a number after a valid event", """[{"userId":"$U","itemId":"$I","type":"view"},5]""", "[1]" },
        { "a batch whose last event has a bad rating", """[{"userId":"$U","itemId":"$I","type":"view"},{"userId":"$U","itemId":"$J","type":"like"},{"userId":"$U","itemId":"$I","type":"rating","value":9}]""", "[2].value" },
        { "a batch whose first event has a bad itemId", """[{"userId":"$U","itemId":"$I x","type":"view"},{"userId":"$U","itemId":"$I","type":"like"},{"userId":"$U","itemId":"$J","type":"purchase"}]""", "[0].itemId" },
        { "a batch with a bad event of another user", """[{"userId":"$U","itemId":"$I","type":"view"},{"userId":"$U-other","itemId":"$J","type":"teleport"}]""", "[1].type" },
    };

    [Theory]
    [MemberData(nameof(InvalidEvents))]
    public async Task An_invalid_event_is_refused_with_400_naming_the_field_and_changes_nothing(string @case, string template, string field)
    {
        Assert.NotEmpty(@case);
        var (user, item, other) = (ApiTestKit.NewId("u"), ApiTestKit.NewId("i"), ApiTestKit.NewId("j"));
        var body = template.Replace("$U", user).Replace("$I", item).Replace("$J", other);

        var response = await Http.PostRawAsync("/api/v1/events", body);

        await response.AssertValidationProblemAsync(field);
        await Http.AssertUserUnknownAsync(user);
        await Http.AssertUserUnknownAsync(user + "-other");
        await Http.AssertItemUnknownAsync(item);
        await Http.AssertItemUnknownAsync(other);
    }

    [Fact]
    public async Task An_amount_on_a_view_is_kept_and_a_value_on_a_dislike_ignored()
    {
        var (user, item, other) = (ApiTestKit.NewId("u"), ApiTestKit.NewId("i"), ApiTestKit.NewId("j"));
        var response = await Http.PostRawAsync("/api/v1/events",
            $$"""[{"userId":"{{user}}","itemId":"{{item}}","type":"view","value":1234},{"userId":"{{user}}","itemId":"{{other}}","type":"dislike","value":7}]""");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);

        using var export = System.Text.Json.JsonDocument.Parse(await Http.GetStringAsync($"/api/v1/users/{user}/export"));
        var events = export.RootElement.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(1234, events.Single(e => e.GetProperty("itemId").GetString() == item).GetProperty("value").GetDouble());
        var dislike = events.Single(e => e.GetProperty("itemId").GetString() == other).GetProperty("value");
        Assert.True(dislike.ValueKind == System.Text.Json.JsonValueKind.Null || dislike.GetDouble() == 0, dislike.ToString());
    }

    [Fact]
    public async Task A_batch_of_10001_events_is_refused_and_changes_nothing()
    {
        var user = ApiTestKit.NewId("u");
        var item = ApiTestKit.NewId("i");
        var body = new StringBuilder("[");
        for (var i = 0; i < 10_001; i++)
            body.Append(i == 0 ? "" : ",").Append($$"""{"userId":"{{user}}","itemId":"{{item}}","type":"view","eventId":"e{{i}}"}""");
        body.Append(']');

        var response = await Http.PostRawAsync("/api/v1/events", body.ToString());

        var problem = await response.AssertValidationProblemAsync("body");
        Assert.Contains("10000", problem.GetProperty("errors").GetProperty("body")[0].GetString()!.Replace(",", ""));
        await Http.AssertUserUnknownAsync(user);
        await Http.AssertItemUnknownAsync(item);
    }

    /// <summary>
    /// Announced bodies over the 8 MB limit are refused before they are read. (A raw socket: an
    /// HttpClient would still be sending the body when the server answers and closes.)
    /// </summary>
    [Fact]
    public async Task A_body_over_8_MB_is_refused_with_413_problem()
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(fixture.Server.BaseAddress.Host, fixture.Server.BaseAddress.Port);
        await using var stream = tcp.GetStream();
        var head = $"POST /api/v1/events HTTP/1.1\r\nHost: {fixture.Server.BaseAddress.Authority}\r\n" +
                   $"Content-Type: application/json\r\nContent-Length: {9 * 1024 * 1024}\r\n\r\n{{\"userId\":\"";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));

        using var reader = new StreamReader(stream, Encoding.UTF8);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var statusLine = await reader.ReadLineAsync(timeout.Token);
        var headers = new List<string>();
        for (var line = await reader.ReadLineAsync(timeout.Token); !string.IsNullOrEmpty(line); line = await reader.ReadLineAsync(timeout.Token))
            headers.Add(line);

        Assert.StartsWith("HTTP/1.1 413", statusLine);
        Assert.Contains(headers, h => h.StartsWith("Content-Type: application/problem+json", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// A large batch with a systematic error gets a bounded problem: the errors map keeps a limited
    /// number of fields, and every field it names has at least one reason.
    /// </summary>
    [Fact]
    public async Task A_batch_of_many_faulty_events_gets_a_bounded_problem_whose_fields_all_have_reasons()
    {
        var user = ApiTestKit.NewId("u");
        var events = Enumerable.Range(0, 2000).Select(i => new { userId = user, itemId = $"i{i}", type = "teleport" }).ToArray();

        var response = await Http.PostAsJsonAsync("/api/v1/events", events);

        var problem = await response.AssertValidationProblemAsync("[0].type");
        var fields = problem.GetProperty("errors").EnumerateObject().ToArray();
        Assert.True(fields.Length <= 100, $"the problem names {fields.Length} fields");
        Assert.All(fields, f => Assert.True(f.Value.GetArrayLength() > 0, $"'{f.Name}' is named without a reason"));
        await Http.AssertUserUnknownAsync(user);
    }

    [Fact]
    public async Task Every_faulty_event_of_a_batch_is_named_by_its_index()
    {
        var user = ApiTestKit.NewId("u");
        var body = $$"""
            [
              {"userId":"{{user}}","itemId":"i1","type":"view"},
              {"userId":"{{user}}","itemId":"i2","type":"rating","value":0},
              {"userId":"{{user}}","itemId":"bad id","type":"view"},
              {"userId":"{{user}}","itemId":"i4","type":"nope"}
            ]
            """;

        var response = await Http.PostRawAsync("/api/v1/events", body);

        var problem = await response.AssertValidationProblemAsync("[1].value");
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("[2].itemId", out _), errors.ToString());
        Assert.True(errors.TryGetProperty("[3].type", out _), errors.ToString());
        Assert.False(errors.TryGetProperty("[0].itemId", out _), errors.ToString());
        await Http.AssertUserUnknownAsync(user);
    }

    /// <summary>The rule is 1 ≤ value ≤ 5 on a number (not a whole number): 2.5 is a valid rating; "4" is accepted as the seed's clients send it.</summary>
    [Theory]
    [InlineData("1")]
    [InlineData("2.5")]
    [InlineData("5")]
    [InlineData("4.0")]
    [InlineData("\"4\"")]
    public async Task A_rating_between_1_and_5_is_accepted(string value)
    {
        var user = ApiTestKit.NewId("u");
        var item = ApiTestKit.NewId("i");

        var ack = await (await Http.PostRawAsync("/api/v1/events",
            $$"""{"userId":"{{user}}","itemId":"{{item}}","type":"rating","value":{{value}}}""")).OkJsonAsync();

        Assert.Equal(1, ack.GetProperty("accepted").GetInt32());
        var profile = await Http.GetOkJsonAsync($"/api/v1/users/{user}");
        Assert.Equal(1, profile.GetProperty("counts").GetProperty("rating").GetInt32());
        var recorded = profile.GetProperty("recent")[0];
        Assert.Equal(double.Parse(value.Trim('"'), System.Globalization.CultureInfo.InvariantCulture), recorded.GetProperty("value").GetDouble(), 3);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("A-Z_a.z:0@9")]
    [InlineData("__128__")]
    public async Task Ids_within_the_rule_are_accepted(string id)
    {
        if (id == "__128__") id = "x" + Guid.NewGuid().ToString("N") + new string('y', 128 - 33);
        else id = id + "-" + Guid.NewGuid().ToString("N")[..8];

        var ack = await Http.PostEventsAsync(new { userId = id, itemId = id, type = "view", eventId = id });

        Assert.Equal(1, ack.GetProperty("accepted").GetInt32());
        var profile = await Http.GetOkJsonAsync($"/api/v1/users/{id}");
        Assert.Equal(id, profile.GetProperty("userId").GetString());
        Assert.Equal(id, (await Http.GetOkJsonAsync($"/api/v1/items/{id}")).GetProperty("itemId").GetString());
    }

    [Fact]
    public async Task A_value_on_a_non_rating_event_is_kept_as_an_amount_and_timestamps_in_range_are_kept()
    {
        var user = ApiTestKit.NewId("u");
        var oldest = "1970-01-01T00:00:00Z";
        var soon = DateTimeOffset.UtcNow.AddHours(23).ToString("O");

        var ack = await Http.PostEventsAsync(new object[]
        {
            new { userId = user, itemId = ApiTestKit.NewId("i"), type = "view", value = 99, timestamp = oldest },
            new { userId = user, itemId = ApiTestKit.NewId("i"), type = "click", timestamp = soon },
            new { userId = user, itemId = ApiTestKit.NewId("i"), type = "share", timestamp = "2024-05-01T12:00:00+02:00" },
        });

        Assert.Equal(3, ack.GetProperty("accepted").GetInt32());
        var export = await Http.GetOkJsonAsync($"/api/v1/users/{user}/export");
        var events = export.GetProperty("events").EnumerateArray().ToArray();
        Assert.Equal(3, events.Length);
        var view = events.Single(e => e.GetProperty("type").GetString() == "view");
        Assert.Equal(99, view.GetProperty("value").GetDouble());
        Assert.Equal(DateTimeOffset.UnixEpoch, view.GetProperty("timestamp").GetDateTimeOffset());
        var share = events.Single(e => e.GetProperty("type").GetString() == "share");
        Assert.Equal(DateTimeOffset.Parse("2024-05-01T10:00:00Z"), share.GetProperty("timestamp").GetDateTimeOffset());
    }
}
