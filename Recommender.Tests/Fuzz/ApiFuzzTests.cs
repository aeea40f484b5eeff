using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using CsCheck;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Recommender.Grains.Storage;
using Recommender.Tests.Infrastructure;
using Xunit.Abstractions;
using static Recommender.Tests.Fuzz.FuzzGen;

namespace Recommender.Tests.Fuzz;

/// <summary>The server under fuzz: Development (no keys), no background retraining, a small seeded catalog.</summary>
public sealed class FuzzServer : IAsyncLifetime
{
    public ApiServer Server { get; private set; } = null!;
    public ServerErrors Errors { get; } = new();

    public async Task InitializeAsync()
    {
        Server = await ApiServer.StartAsync(new Dictionary<string, string>
        {
            // The fingerprint (events since training) must move only with the requests sent.
            ["Model:DriftCheckPeriod"] = "01:00:00",
            ["Model:RetrainInterval"] = "00:00:00",
            ["Model:Factors"] = "8",
            ["Recommender:SnapshotInterval"] = "00:00:00.500",
        });
        Server.Services.GetRequiredService<ILoggerFactory>().AddProvider(Errors);
        var http = Server.HttpClient;
        var items = Enumerable.Range(0, 61).Select(i => new { itemId = $"fz-item-{i}", title = $"Fuzz item {i}", categories = new[] { i % 3 == 0 ? "Drama" : "Action" } });
        (await http.PostAsJsonAsync("/api/v1/items", items)).EnsureSuccessStatusCode();
        var events = Enumerable.Range(0, 41).SelectMany(u => Enumerable.Range(0, 4).Select(j => new { userId = $"fz-u-{u}", itemId = $"fz-item-{(u * 7 + j * 5) % 61}", type = "like" }));
        (await http.PostAsJsonAsync("/api/v1/events", events)).EnsureSuccessStatusCode();
        (await http.PostAsync("/api/v1/model/retrain?wait=true", null)).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>(events since training, items in the catalog), with this process's event counters flushed first.</summary>
    public async Task<(long Events, int Items)> FingerprintAsync()
    {
        await Server.Services.GetRequiredService<EventCounters>().FlushAsync();
        var model = await Server.HttpClient.GetFromJsonAsync<JsonElement>("/api/v1/model");
        var items = await Server.HttpClient.GetFromJsonAsync<JsonElement>("/api/v1/items?limit=1");
        return (model.GetProperty("eventsSinceTraining").GetInt64(), items.GetProperty("total").GetInt32());
    }
}

/// <summary>
/// Thousands of random and malformed requests to every endpoint of the REST API through the real
/// Kestrel host. Properties: the answer is 2xx or 4xx, never 5xx (nor a dropped connection); and a
/// round of requests changes the state fingerprint (events counted by the model, items in the
/// catalog) exactly by what its accepted requests said they did — a rejected request changes nothing.
/// </summary>
public sealed class ApiFuzzTests(FuzzServer fixture, ITestOutputHelper output) : IClassFixture<FuzzServer>
{
    /// <summary>FUZZ_SCALE=4 for a longer run (CI nightly); 1 keeps the class under ~90 s on 2 cores.</summary>
    private static readonly double Scale = double.TryParse(Environment.GetEnvironmentVariable("FUZZ_SCALE"), CultureInfo.InvariantCulture, out var s) ? s : 1;
    private const int RoundSize = 40;
    private const int Parallelism = 8;

    private HttpClient Http => fixture.Server.HttpClient;

    private sealed class Stats
    {
        public int Cases, Ok, ClientErrors, ServerErrors, Transport, Accepted, Rounds;
        public readonly ConcurrentDictionary<int, int> ByStatus = new();
    }

    private readonly ConcurrentDictionary<string, Stats> _stats = new();
    /// <summary>Findings grouped by what went wrong (endpoint, status, exception and its first frame): one example each.</summary>
    private readonly ConcurrentDictionary<string, (int Count, string Example)> _findings = new();

    private void Finding(string key, string example) => _findings.AddOrUpdate(key, (1, example), (_, f) => (f.Count + 1, f.Example));

    /// <summary>"InvalidOperationException at JsonBody.String" from a captured stack trace.</summary>
    private static string Signature(string? trace)
    {
        if (trace is null) return "no exception captured";
        var lines = trace.Split('\n');
        var exception = lines.Skip(1).FirstOrDefault(l => l.Contains("Exception", StringComparison.Ordinal))?.Split(':')[0].Trim() ?? "?";
        var frame = lines.FirstOrDefault(l => l.TrimStart().StartsWith("at Recommender.", StringComparison.Ordinal))?.Trim() ?? lines.FirstOrDefault(l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal))?.Trim() ?? "";
        var paren = frame.IndexOf('(');
        return exception + " " + (paren > 0 ? frame[..paren] : frame);
    }

    private sealed record Outcome(FuzzCase Case, int Status, string Body, Exception? Error);

    // ---------------------------------------------------------------- endpoints and their inputs

    private static FuzzCase Post(string endpoint, string target, byte[] body, string? contentType = "application/json") => new(endpoint, "POST", target, body, contentType);

    private static readonly (string Name, Gen<FuzzCase> Cases, int Count)[] Endpoints =
    [
        ("POST /api/v1/events (one)", Gen.Select(Body(Event()), ContentType, (b, ct) => Post("POST /api/v1/events (one)", "/api/v1/events", b, ct)), 1000),
        ("POST /api/v1/events (batch)", Gen.Select(
            Gen.Frequency(
                // mostly valid batches with one bad event somewhere: nothing of them may be applied
                (40, Gen.Select(ValidEvent.Array[1, 30], Event(), Gen.Int[0, 30], (good, bad, at) => "[" + string.Join(",", good.Take(at).Append(bad).Concat(good.Skip(at))) + "]")),
                (30, Event().Array[0, 25].Select(a => "[" + string.Join(",", a) + "]")),
                (20, ValidEvent.Array[1, 20].Select(a => "[" + string.Join(",", a) + "]")),
                (1, Gen.Int[0, 1].Select(extra => "[" + string.Join(",", Enumerable.Repeat("""{"userId":"fz-big","itemId":"fz-item-1","type":"view","timestamp":"2000-01-01T00:00:00Z"}""", 10_000 + extra)) + "]"))
            ).Select(s => Encoding.UTF8.GetBytes(s)).Select(b => b).SelectMany(b => Gen.Frequency((9, Gen.Const(b)), (1, Malformed))),
            ContentType, (b, ct) => Post("POST /api/v1/events (batch)", "/api/v1/events", b, ct)), 800),
        ("POST /api/v1/event (seed)", Gen.Select(Body(Event("user_id", "item_id", "event_type")), ContentType, (b, ct) => Post("POST /api/v1/event (seed)", "/api/v1/event", b, ct)), 700),
        ("POST /api/v1/recommend (seed)", Gen.Select(Body(Object(("user_id", IdToken, 90), ("num_recommendations", NumberToken, 80))), ContentType,
            (b, ct) => Post("POST /api/v1/recommend (seed)", "/api/v1/recommend", b, ct)), 700),
        ("PUT /api/v1/items/{id}", Gen.Select(Segment(AnyId), Body(Item(withId: false)), ContentType,
            (id, b, ct) => new FuzzCase("PUT /api/v1/items/{id}", "PUT", "/api/v1/items/" + id, b, ct)), 800),
        ("POST /api/v1/items", Gen.Select(
            Gen.Frequency(
                (3, Item(withId: true).Array[0, 20].Select(a => "[" + string.Join(",", a) + "]")),
                (2, Gen.Select(Item(withId: true), Gen.Int[0, 10], (bad, n) => "[" + string.Join(",", Enumerable.Range(0, n).Select(i => $$"""{"itemId":"fz-item-{{i}}","title":"Fuzz item {{i}}"}""").Append(bad)) + "]")),
                (1, Item(withId: true)),
                (1, Gen.Const("[" + string.Join(",", Enumerable.Range(0, 10_001).Select(i => $$"""{"itemId":"fz-many-{{i}}","title":"t"}""")) + "]"))
            ).Select(s => Encoding.UTF8.GetBytes(s)).SelectMany(b => Gen.Frequency((9, Gen.Const(b)), (1, Malformed))),
            ContentType, (b, ct) => Post("POST /api/v1/items", "/api/v1/items", b, ct)), 700),
        ("GET /api/v1/items/{id}", Segment(Gen.Frequency((3, AnyId), (1, PoolItem))).Select(id => new FuzzCase("GET /api/v1/items/{id}", "GET", "/api/v1/items/" + id, null, null)), 700),
        ("GET /api/v1/items", Gen.Select(Maybe(TextQuery), Maybe(Gen.Frequency((3, Gen.OneOf("popular", "id", "POPULAR", "Id")), (1, Gen.OneOf("5", "0", "-1", "popular,id", "id, popular", " id", "Popular ")), (2, TextQuery))), Maybe(IntQuery), Maybe(IntQuery),
            (c, s, l, o) => new FuzzCase("GET /api/v1/items", "GET", "/api/v1/items" + Query(("category", c), ("sort", s), ("limit", l), ("offset", o)), null, null)), 700),
        ("GET /api/v1/items/{id}/similar", Gen.Select(Segment(Gen.Frequency((3, AnyId), (2, PoolItem))), Maybe(IntQuery),
            (id, k) => new FuzzCase("GET /api/v1/items/{id}/similar", "GET", $"/api/v1/items/{id}/similar" + Query(("k", k)), null, null)), 700),
        ("GET /api/v1/popular", Gen.Select(Maybe(IntQuery), Maybe(TextQuery),
            (k, c) => new FuzzCase("GET /api/v1/popular", "GET", "/api/v1/popular" + Query(("k", k), ("category", c)), null, null)), 600),
        ("GET /api/v1/users/{id}/recommendations", Gen.Select(Segment(AnyId), Maybe(IntQuery), Maybe(TextQuery),
            Maybe(Gen.Frequency((4, AnyId.Array[0, 8].Select(a => string.Join(",", a))), (1, Gen.Int[990, 1_200].Select(n => string.Join(",", Enumerable.Range(0, n).Select(i => $"x{i}")))))),
            Maybe(Gen.OneOf("true", "false", "maybe", "1", "", "TRUE", "yes")),
            (id, k, c, ex, explain) => new FuzzCase("GET /api/v1/users/{id}/recommendations", "GET",
                $"/api/v1/users/{id}/recommendations" + Query(("k", k), ("category", c), ("exclude", ex), ("explain", explain)), null, null)), 800),
        ("GET lists with filter=", Gen.Select(Gen.OneOf("/api/v1/popular", "/api/v1/items", "/api/v1/items/latest", "/api/v1/users/fz-u-1/recommendations", "/api/v1/items/fz-item-1/similar"),
            FilterToken, Maybe(Gen.OneOf("5", "\"5\"", "[\"a\"]", "true", "x", "[1]", "{}", "")), Maybe(Gen.OneOf("max", "t", "bad name", "", "1x")),
            (path, f, v, p) => new FuzzCase("GET lists with filter=", "GET", path + Query(("filter", f), (p is null ? "k" : "param." + p, p is null ? "5" : v)), null, null)), 900),
        ("PUT /api/v1/filters/{name}", Gen.Select(Segment(Gen.Frequency((3, ValidId), (1, NastyId))), FilterToken, ContentType,
            (n, f, ct) => new FuzzCase("PUT /api/v1/filters/{name}", "PUT", "/api/v1/filters/fz-" + n, Encoding.UTF8.GetBytes("{\"expression\":" + Json(f) + "}"), ct)), 400),
        ("PATCH /api/v1/items/{id} (unknown)", Gen.Select(Segment(ValidId), Body(Gen.OneOf("{\"hidden\":true}", "{\"properties\":{\"a\":1}}", "{\"properties\":{\"title\":1}}", "{\"expiresAt\":null}", "{\"title\":null}", "[]", "{\"x\":1}")), ContentType,
            (id, b, ct) => new FuzzCase("PATCH /api/v1/items/{id} (unknown)", "PATCH", "/api/v1/items/fz-none-" + id, b, ct)), 300),
        ("GET /api/v1/users/{id}", Segment(AnyId).Select(id => new FuzzCase("GET /api/v1/users/{id}", "GET", "/api/v1/users/" + id, null, null)), 600),
        ("GET /api/v1/users/{id}/export", Segment(AnyId).Select(id => new FuzzCase("GET /api/v1/users/{id}/export", "GET", $"/api/v1/users/{id}/export", null, null)), 600),
        ("DELETE /api/v1/users/{id}", Segment(Gen.Frequency((4, NastyId), (1, ValidId.Select(v => "fz-gone-" + v)))).Select(id => new FuzzCase("DELETE /api/v1/users/{id}", "DELETE", "/api/v1/users/" + id, null, null)), 600),
        ("GET /dashboard/{route}/{address}", Gen.Select(Gen.OneOf("SiloProperties", "SiloMetadata", "SiloStats", "SiloCounters", "HistoricalStats", "GrainStats"),
            Segment(Gen.Frequency((3, AnyId), (2, Gen.OneOf("127.0.0.1:1@1", "1.2.3.4", "::1", "[::1]:5@6", "999.999.999.999:99999@-1", "x@y", "a/b/c", "@", "1.2.3.4:5@", ":@")))),
            (route, address) => new FuzzCase("GET /dashboard/{route}/{address}", "GET", $"/dashboard/{route}/{address}", null, null)), 240),
        ("model (GET, retrain, evaluation)", Gen.Frequency(
            (2, Maybe(TextQuery).Select(q => new FuzzCase("model (GET, retrain, evaluation)", "GET", "/api/v1/model" + Query(("x", q)), null, null))),
            // only ?wait=true (synchronous) among the valid values: a background retrain would move the fingerprint later
            (2, Gen.Frequency((1, Gen.Const("true")), (12, Gen.Frequency((1, TextQuery), (1, IntQuery)).Where(w => !string.IsNullOrWhiteSpace(w) && (!bool.TryParse(w, out var v) || v))))
                .Select(w => new FuzzCase("model (GET, retrain, evaluation)", "POST", "/api/v1/model/retrain" + Query(("wait", w)), null, null))),
            (3, Gen.Select(Body(Gen.Frequency(
                    (3, Gen.Select(AnyId, NumberToken, (k, v) => "{" + Json(k) + ":" + v + "}")),
                    (1, Gen.OneOf("[]", "{\"a\":{\"b\":1}}", "{\"a\":[1]}", "{\"a\":\"x\"}", string.Concat("{", string.Join(",", Enumerable.Range(0, 5_000).Select(i => $"\"k{i}\":{i}")), "}"))))), ContentType,
                (b, ct) => Post("model (GET, retrain, evaluation)", "/api/v1/model/evaluation", b, ct)))), 600),
    ];

    // ---------------------------------------------------------------- the properties

    [Fact]
    public async Task Every_endpoint_answers_2xx_or_4xx_and_a_rejected_request_changes_nothing()
    {
        var clock = Stopwatch.StartNew();
        foreach (var (name, cases, count) in Endpoints)
        {
            var rounds = Math.Max(1, (int)Math.Ceiling(count * Scale / RoundSize));
            await cases.Array[RoundSize].SampleAsync(round => RunRoundAsync(name, round), iter: rounds, threads: 1);
            output.WriteLine($"{name}: {_stats[name].Cases} cases in {clock.Elapsed.TotalSeconds:F1} s");
        }
        await RawRequestsAsync((int)(400 * Scale));
        clock.Stop();

        // Rejected figures change nothing; accepted ones are finite, so the model never shows a named literal.
        var model = await Http.GetStringAsync("/api/v1/model");
        if (model.Contains("NaN", StringComparison.Ordinal) || model.Contains("Infinity", StringComparison.Ordinal))
            Finding("[model] GET /api/v1/model shows a non-finite number", Truncate(model, 600));

        var summary = Summary(clock.Elapsed);
        output.WriteLine(summary);
        File.WriteAllText(Path.Combine(AppContext.BaseDirectory, "fuzz-summary.md"), summary);
        var report = string.Join("\n\n", _findings.OrderBy(f => f.Key).Select(f => $"{f.Key} (×{f.Value.Count})\n  {f.Value.Example}"));
        File.WriteAllText(Path.Combine(AppContext.BaseDirectory, "fuzz-findings.txt"), report);
        Assert.True(_findings.IsEmpty, $"{_findings.Count} kind(s) of finding, {_findings.Values.Sum(f => f.Count)} in all:\n\n" + report);
    }

    private async Task RunRoundAsync(string endpoint, FuzzCase[] round)
    {
        var stats = _stats.GetOrAdd(endpoint, _ => new Stats());
        var before = await FingerprintAsync();
        using var gate = new SemaphoreSlim(Parallelism);
        var outcomes = await Task.WhenAll(round.Select(async c =>
        {
            await gate.WaitAsync();
            try { return await SendAsync(c); }
            finally { gate.Release(); }
        }));

        var acceptedEvents = 0L;
        var mutated = false;
        var retrained = false;
        foreach (var o in outcomes)
        {
            Interlocked.Increment(ref stats.Cases);
            stats.ByStatus.AddOrUpdate(o.Status, 1, (_, n) => n + 1);
            if (o.Error is not null)
            {
                Interlocked.Increment(ref stats.Transport);
                Finding($"[{endpoint}] transport error {o.Error.GetType().Name}", $"{o.Error.Message}\n  input: {o.Case}");
            }
            else if (o.Status >= 500)
            {
                Interlocked.Increment(ref stats.ServerErrors);
                var trace = fixture.Errors.Find(TraceId(o.Body)) ?? fixture.Errors.Latest();
                Finding($"[{endpoint}] {o.Status} {Signature(trace)}", $"input: {o.Case}\n  answer: {Truncate(o.Body, 400)}\n  server: {Truncate(trace ?? "(no exception captured)", 2500)}");
            }
            else if (o.Status >= 400) Interlocked.Increment(ref stats.ClientErrors);
            else if (o.Status is >= 200 and < 300)
            {
                Interlocked.Increment(ref stats.Ok);
                if (o.Case.Method != "GET") mutated = true;
                if (o.Case.Target.StartsWith("/api/v1/model/retrain", StringComparison.Ordinal)) retrained = true;
                var n = AcceptedEvents(o);
                acceptedEvents += n;
                Interlocked.Add(ref stats.Accepted, (int)n);
            }
            else Finding($"[{endpoint}] unexpected status {o.Status}", $"input: {o.Case}");
        }
        Interlocked.Increment(ref stats.Rounds);

        var after = retrained ? await FingerprintAsync() : await FingerprintAsync(before.Events + acceptedEvents);
        var rejected = outcomes.Where(o => o.Status >= 400).Select(o => o.Case.ToString()).Take(5);
        if (!retrained && after.Events != before.Events + acceptedEvents)
            Finding($"[{endpoint}] events counter moved by other than what the accepted requests said", $"moved by {after.Events - before.Events}, accepted {acceptedEvents}; rejected inputs of the round include:\n  " + string.Join("\n  ", rejected));
        if (!mutated && after.Items != before.Items)
            Finding($"[{endpoint}] item count moved in a round where every write was rejected", $"from {before.Items} to {after.Items}; inputs include:\n  " + string.Join("\n  ", rejected));
        // Accepted events create items through one-way calls: wait until the catalog is still before the next round.
        if (mutated) await SettleAsync(after);
    }

    private async Task<Outcome> SendAsync(FuzzCase c)
    {
        try
        {
            Uri uri;
            try { uri = new Uri(fixture.Server.BaseAddress.ToString().TrimEnd('/') + c.Target); }
            catch (UriFormatException) { uri = new Uri(fixture.Server.BaseAddress.ToString().TrimEnd('/') + "/" + Escape(c.Target.TrimStart('/'))); }
            using var request = new HttpRequestMessage(new HttpMethod(c.Method), uri);
            if (c.Body is not null)
            {
                request.Content = new ByteArrayContent(c.Body);
                if (c.ContentType is not null && MediaTypeHeaderValue.TryParse(c.ContentType, out var type)) request.Content.Headers.ContentType = type;
            }
            using var response = await Http.SendAsync(request);
            return new Outcome(c, (int)response.StatusCode, await response.Content.ReadAsStringAsync(), null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return new Outcome(c, 0, "", e);
        }
    }

    private static long AcceptedEvents(Outcome o)
    {
        if (o.Case.Target.StartsWith("/api/v1/event", StringComparison.Ordinal) && !o.Case.Target.StartsWith("/api/v1/events", StringComparison.Ordinal)) return 1;
        if (!o.Case.Target.StartsWith("/api/v1/events", StringComparison.Ordinal)) return 0;
        using var document = JsonDocument.Parse(o.Body);
        return document.RootElement.GetProperty("accepted").GetInt64();
    }

    private Task<(long Events, int Items)> FingerprintAsync() => fixture.FingerprintAsync();

    /// <summary>The fingerprint once it shows <paramref name="events"/> (a timer flush may be in flight), or the last one read.</summary>
    private async Task<(long Events, int Items)> FingerprintAsync(long events)
    {
        var now = await FingerprintAsync();
        for (var attempt = 0; attempt < 10 && now.Events != events; attempt++)
        {
            await Task.Delay(100);
            now = await FingerprintAsync();
        }
        return now;
    }

    private async Task SettleAsync((long Events, int Items) last)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(120);
            var now = await FingerprintAsync();
            if (now == last) return;
            last = now;
        }
    }

    private static string? TraceId(string body)
    {
        try { return JsonDocument.Parse(body).RootElement.TryGetProperty("traceId", out var t) ? t.GetString() : null; }
        catch (JsonException) { return null; }
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max] + "…";

    // ---------------------------------------------------------------- below HttpClient: raw request lines

    /// <summary>Request lines and headers no HTTP client library would send (raw bytes in the path, bad versions, bad framing).</summary>
    private async Task RawRequestsAsync(int count)
    {
        const string name = "raw HTTP (request line, headers)";
        var stats = _stats.GetOrAdd(name, _ => new Stats());
        var target = Gen.Select(
            Gen.OneOf("/api/v1/users/", "/api/v1/items/", "/api/v1/events/", "/api/v1/users/u/", "/dashboard/", "/dashboard/SiloProperties/", "/"),
            Gen.Frequency((3, Gen.Byte.Array[0, 40]), (1, Gen.OneOf<byte[]>([0x00], [0x0A], [0x0D, 0x0A], [0x25], [0x25, 0x30, 0x30], [0xC0, 0xAF], [0xFF], [0x20], [0x7F], [0x2E, 0x2E, 0x2F]))),
            Gen.OneOf("", "/export", "/recommendations?k=5", "/similar", "?limit=1"),
            (prefix, raw, suffix) => (byte[])[.. Encoding.ASCII.GetBytes(prefix), .. raw, .. Encoding.ASCII.GetBytes(suffix)]);
        var requests = Gen.Select(
            Gen.OneOf("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "get", "G ET", "", "TRACE", "CONNECT", new string('M', 300)),
            target,
            Gen.OneOf("HTTP/1.1", "HTTP/1.0", "HTTP/9.9", "", "HTTP/1.1 extra", "http/1.1"),
            Gen.OneOf("", "Content-Length: 0\r\n", "Content-Length: -1\r\n", "Content-Length: 2\r\nContent-Length: 3\r\n", "Transfer-Encoding: chunked\r\n",
                "Content-Length: abc\r\n", "X-Api-Key: \u00ff\r\n", "Host: a\r\nHost: b\r\n", "Content-Type: application/json\r\nContent-Length: 2\r\n"),
            Gen.OneOf("", "{}", "zz\r\n{}\r\n0\r\n\r\n", "2\r\n{}\r\n0\r\n\r\n"),
            (method, path, version, headers, body) =>
            {
                // Keep the declared length honest so the server never waits for bytes that will not come.
                if (headers.Contains("Content-Length: 2\r\n", StringComparison.Ordinal) && !headers.Contains("3", StringComparison.Ordinal)) body = "{}";
                if (headers.Contains("chunked", StringComparison.Ordinal) && body.Length == 0) body = "0\r\n\r\n";
                return (byte[])[.. Encoding.ASCII.GetBytes(method + " "), .. path, .. Encoding.ASCII.GetBytes($" {version}\r\nHost: 127.0.0.1\r\n{headers}Connection: close\r\n\r\n{body}")];
            });

        await requests.Array[RoundSize].SampleAsync(async round =>
        {
            var before = await FingerprintAsync();
            foreach (var bytes in round)
            {
                var status = await SendRawAsync(bytes);
                Interlocked.Increment(ref stats.Cases);
                stats.ByStatus.AddOrUpdate(status, 1, (_, n) => n + 1);
                var shown = Encoding.Latin1.GetString(bytes, 0, Math.Min(bytes.Length, 200)).ReplaceLineEndings("\\n");
                // 505 is Kestrel's own answer to a request line whose protocol version it cannot read
                // (HTTP/9.9, or a target with a raw line break that shifts the version): the
                // application never answers 505, so it is a refusal of the input, not a server fault.
                if (status == 505 && fixture.Errors.Latest() is null) Interlocked.Increment(ref stats.ClientErrors);
                else if (status >= 500) { Interlocked.Increment(ref stats.ServerErrors); Finding($"[{name}] {status}", $"input: {shown}\n  server: {Truncate(fixture.Errors.Latest() ?? "(no exception captured)", 2500)}"); }
                else if (status >= 400) Interlocked.Increment(ref stats.ClientErrors);
                else if (status >= 200) Interlocked.Increment(ref stats.Ok);
                else if (status == 0) Interlocked.Increment(ref stats.Transport); // closed without an answer (Kestrel does for some malformed request lines)
            }
            Interlocked.Increment(ref stats.Rounds);
            var after = await FingerprintAsync();
            if (after != before) Finding($"[{name}] state changed by raw requests", $"from {before} to {after}");
        }, iter: Math.Max(1, count / RoundSize), threads: 1);
    }

    /// <summary>The status of the answer; 0 when the server closed the connection without one.</summary>
    private async Task<int> SendRawAsync(byte[] request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, fixture.Server.BaseAddress.Port);
        var stream = client.GetStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await stream.WriteAsync(request, timeout.Token);
            var buffer = new byte[64];
            var read = 0;
            while (read < 12)
            {
                var n = await stream.ReadAsync(buffer.AsMemory(read), timeout.Token);
                if (n == 0) break;
                read += n;
            }
            var line = Encoding.ASCII.GetString(buffer, 0, read);
            return line.StartsWith("HTTP/", StringComparison.Ordinal) && line.Length >= 12 && int.TryParse(line.AsSpan(9, 3), out var status) ? status : 0;
        }
        catch (Exception e) when (e is IOException or SocketException) { return 0; }
    }

    // ---------------------------------------------------------------- 413

    /// <summary>A body over 8 MB is a 413 problem on every endpoint that reads one, with or without Content-Length; nothing changes.</summary>
    [Fact]
    public async Task A_body_over_8_MB_is_a_413_problem_and_changes_nothing()
    {
        var before = await FingerprintAsync();
        var padding = new string(' ', 9 * 1024 * 1024);
        var bodies = new (string Method, string Path, string Json)[]
        {
            ("POST", "/api/v1/events", "[" + padding + """{"userId":"big","itemId":"big","type":"view"}]"""),
            ("POST", "/api/v1/event", "{" + padding + "\"user_id\":\"big\",\"item_id\":\"big\",\"event_type\":\"view\"}"),
            ("POST", "/api/v1/recommend", "{" + padding + "\"user_id\":\"big\"}"),
            ("PUT", "/api/v1/items/big", "{" + padding + "\"title\":\"big\"}"),
            ("POST", "/api/v1/items", "[" + padding + "{\"itemId\":\"big\",\"title\":\"big\"}]"),
            ("POST", "/api/v1/model/evaluation", "{" + padding + "\"big\":1}"),
        };
        foreach (var (method, path, json) in bodies)
        {
            foreach (var chunked in new[] { false, true })
            {
                var bytes = Encoding.UTF8.GetBytes(json);
                using var request = new HttpRequestMessage(new HttpMethod(method), path)
                {
                    Content = chunked ? new StreamContent(new UnknownLengthStream(bytes)) : new ByteArrayContent(bytes),
                };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                HttpResponseMessage response;
                try { response = await Http.SendAsync(request); }
                catch (HttpRequestException e)
                {
                    // The server may answer 413 and close before the client has sent everything.
                    output.WriteLine($"{method} {path} chunked={chunked}: connection closed while sending ({e.Message})");
                    continue;
                }
                var text = await response.Content.ReadAsStringAsync();
                output.WriteLine($"{method} {path} chunked={chunked}: {(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType} {Truncate(text, 200)}");
                Assert.True(response.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"{method} {path} (chunked={chunked}): {(int)response.StatusCode} {Truncate(text, 300)}");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.Equal(413, JsonDocument.Parse(text).RootElement.GetProperty("status").GetInt32());
            }
        }
        Assert.Equal(before, await FingerprintAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/api/v1/users/big")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/api/v1/items/big")).StatusCode);
    }

    /// <summary>A stream that hides its length, so HttpClient sends it chunked.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
    }

    // ---------------------------------------------------------------- the table for the docs

    private string Summary(TimeSpan elapsed)
    {
        var b = new StringBuilder();
        b.AppendLine($"Fuzz run: {_stats.Values.Sum(s => s.Cases)} requests in {elapsed.TotalSeconds:F0} s (scale {Scale}, rounds of {RoundSize}, {Parallelism} in flight)");
        b.AppendLine();
        b.AppendLine("| endpoint | cases | 2xx | 4xx | 5xx | no answer | events accepted | statuses |");
        b.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|");
        foreach (var (name, s) in _stats.OrderBy(p => Array.FindIndex(Endpoints, e => e.Name == p.Key) is var i && i < 0 ? int.MaxValue : i))
        {
            var statuses = string.Join(" ", s.ByStatus.OrderBy(p => p.Key).Select(p => $"{(p.Key == 0 ? "closed" : p.Key.ToString(CultureInfo.InvariantCulture))}×{p.Value}"));
            b.AppendLine($"| {name} | {s.Cases} | {s.Ok} | {s.ClientErrors} | {s.ServerErrors} | {s.Transport} | {s.Accepted} | {statuses} |");
        }
        b.AppendLine();
        b.AppendLine($"Findings: {_findings.Count} kind(s), {_findings.Values.Sum(f => f.Count)} in all");
        return b.ToString();
    }
}
