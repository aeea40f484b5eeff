using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Recommender.Client.Api;

/// <summary>
/// Typed client of the public REST API (docs/API.md). Every non-success answer becomes a
/// <see cref="RecommenderApiException"/> carrying the problem details; transport failures surface
/// as <see cref="HttpRequestException"/>.
/// </summary>
public sealed partial class RecommenderClient : IDisposable
{
    /// <summary>The header the service reads API keys from (Recommender.Api/Security).</summary>
    public const string ApiKeyHeader = "X-Api-Key";

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;

    /// <summary>A client with its own connection pool (no per-host connection cap).</summary>
    public RecommenderClient(Uri baseUrl, string? apiKey = null)
        : this(CreateHttpClient(baseUrl, apiKey), ownsHttpClient: true)
    {
    }

    /// <summary>Wraps a caller-configured <see cref="HttpClient"/> (its BaseAddress must be the service root).</summary>
    public RecommenderClient(HttpClient http, bool ownsHttpClient = false)
    {
        ArgumentNullException.ThrowIfNull(http.BaseAddress, nameof(http) + ".BaseAddress");
        _http = http;
        _ownsHttp = ownsHttpClient;
    }

    /// <summary>The service root every path is relative to.</summary>
    public Uri BaseAddress => _http.BaseAddress!;

    /// <summary>
    /// Whether events posted without an <see cref="InteractionEvent.EventId"/> get a random one before they
    /// are sent (default true), which makes every retry safe. Off only to measure the service as a client
    /// that sends no ids would load it (<c>reco bench</c>: the server then keeps no ids for those events).
    /// </summary>
    public bool AssignEventIds { get; init; } = true;

    /// <summary>An <see cref="HttpClient"/> for <paramref name="baseUrl"/> with its own pool, decompression, and the API key header when given.</summary>
    public static HttpClient CreateHttpClient(Uri baseUrl, string? apiKey = null)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = int.MaxValue,
            AutomaticDecompression = DecompressionMethods.All,
        };
        var http = new HttpClient(handler, disposeHandler: true)
        {
            BaseAddress = EnsureTrailingSlash(baseUrl),
            // retrain?wait=true answers when training is done; cancellation tokens bound everything else.
            Timeout = TimeSpan.FromMinutes(30),
        };
        if (!string.IsNullOrEmpty(apiKey))
        {
            http.DefaultRequestHeaders.Add(ApiKeyHeader, apiKey);
        }

        return http;
    }

    // ---- events -------------------------------------------------------------------------------

    /// <summary>Posts one event; the answer comes once it is durable. An event without an id gets one first (<see cref="AssignEventIds"/>).</summary>
    public Task<EventsAccepted> PostEventAsync(InteractionEvent evt, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(evt);
        return SendAsync<EventsAccepted>(HttpMethod.Post, "api/v1/events", AssignEventIds ? evt.WithEventId() : evt, ct);
    }

    /// <summary>
    /// Posts up to 10,000 events in one request; the answer comes once all are durable. Events without an id
    /// get one first (<see cref="AssignEventIds"/>); to retry a batch yourself, give it ids before the first
    /// attempt (<see cref="InteractionEvent.WithEventIds"/>) so every attempt sends the same ones.
    /// </summary>
    public Task<EventsAccepted> PostEventsAsync(IReadOnlyCollection<InteractionEvent> batch, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return SendAsync<EventsAccepted>(HttpMethod.Post, "api/v1/events", AssignEventIds ? InteractionEvent.WithEventIds(batch) : batch, ct);
    }

    // ---- users --------------------------------------------------------------------------------

    /// <summary>The user's top <paramref name="k"/> (popular items for a user the service does not know yet), with reasons when <paramref name="explain"/>.</summary>
    public Task<Recommendations> GetRecommendationsAsync(
        string userId,
        int k = 10,
        string? category = null,
        IReadOnlyCollection<string>? exclude = null,
        bool explain = false,
        CancellationToken ct = default)
    {
        var query = new QueryBuilder()
            .Add("k", k.ToString(CultureInfo.InvariantCulture))
            .Add("category", category)
            .Add("exclude", exclude is { Count: > 0 } ? string.Join(',', exclude) : null)
            .Add("explain", explain ? "true" : null);
        return SendAsync<Recommendations>(HttpMethod.Get, $"api/v1/users/{Escape(userId)}/recommendations{query}", null, ct);
    }

    /// <summary>The user's list under every option of <paramref name="query"/>: filters, parameters, offset, rotation, exploration, rules.</summary>
    public Task<Recommendations> GetRecommendationsAsync(string userId, RecommendationQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var builder = new QueryBuilder()
            .Add("k", query.K.ToString(CultureInfo.InvariantCulture))
            .Add("category", query.Category)
            .Add("exclude", query.Exclude is { Count: > 0 } ? string.Join(',', query.Exclude) : null)
            .Add("explain", query.Explain ? "true" : null)
            .Add("offset", query.Offset?.ToString(CultureInfo.InvariantCulture))
            .Add("rotation", query.Rotation is { } rotate ? (rotate ? "true" : "false") : null)
            .Add("exploration", query.Exploration?.ToString("R", CultureInfo.InvariantCulture))
            .Add("rules", query.ApplyRules ? null : "false");
        AddFilter(builder, new FilterSpec(query.Filter, query.FilterName, query.Parameters));
        return SendAsync<Recommendations>(HttpMethod.Get, $"api/v1/users/{Escape(userId)}/recommendations{builder}", null, ct);
    }

    /// <summary>
    /// The next <paramref name="k"/> items of a list served earlier (its query kept, nothing repeated);
    /// no items once it is exhausted. An unknown or expired id is a 404 <see cref="RecommenderApiException"/>.
    /// </summary>
    public Task<Recommendations> GetNextRecommendationsAsync(string userId, string recommendationId, int k = 10, CancellationToken ct = default)
    {
        var query = new QueryBuilder()
            .Add("recommendationId", recommendationId)
            .Add("k", k.ToString(CultureInfo.InvariantCulture));
        return SendAsync<Recommendations>(HttpMethod.Get, $"api/v1/users/{Escape(userId)}/recommendations/next{query}", null, ct);
    }

    /// <summary>The user's profile, or null for a user the service has never seen (404).</summary>
    public Task<UserProfile?> GetUserAsync(string userId, CancellationToken ct = default) =>
        SendOrNullOnNotFoundAsync<UserProfile>($"api/v1/users/{Escape(userId)}", ct);

    /// <summary>Forgets the user: state, log and future trainings.</summary>
    public Task DeleteUserAsync(string userId, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Delete, $"api/v1/users/{Escape(userId)}", null, ct);

    /// <summary>Everything the service holds about the user, as raw JSON.</summary>
    public Task<JsonElement> ExportUserAsync(string userId, CancellationToken ct = default) =>
        SendAsync<JsonElement>(HttpMethod.Get, $"api/v1/users/{Escape(userId)}/export", null, ct);

    // ---- items --------------------------------------------------------------------------------

    /// <summary>Creates or replaces the item's description (idempotent: a retry changes nothing more).</summary>
    public Task<Item> PutItemAsync(string itemId, ItemMetadata item, CancellationToken ct = default) =>
        SendAsync<Item>(HttpMethod.Put, $"api/v1/items/{Escape(itemId)}", item, ct);

    /// <summary>Upserts up to 10,000 items in one request.</summary>
    public Task<ItemsUpserted> PostItemsAsync(IReadOnlyCollection<ItemUpsert> items, CancellationToken ct = default) =>
        SendAsync<ItemsUpserted>(HttpMethod.Post, "api/v1/items", items, ct);

    /// <summary>The item, or null when the service does not know it (404).</summary>
    public Task<Item?> GetItemAsync(string itemId, CancellationToken ct = default) =>
        SendOrNullOnNotFoundAsync<Item>($"api/v1/items/{Escape(itemId)}", ct);

    /// <summary>One page of the catalogue, by popularity or by id.</summary>
    public Task<ItemPage> ListItemsAsync(
        string? category = null,
        ItemSort sort = ItemSort.Popular,
        int limit = 50,
        int offset = 0,
        CancellationToken ct = default)
    {
        var query = new QueryBuilder()
            .Add("category", category)
            .Add("sort", sort == ItemSort.Popular ? "popular" : "id")
            .Add("limit", limit.ToString(CultureInfo.InvariantCulture))
            .Add("offset", offset.ToString(CultureInfo.InvariantCulture));
        return SendAsync<ItemPage>(HttpMethod.Get, $"api/v1/items{query}", null, ct);
    }

    /// <summary>Pages through the whole listing (at most <paramref name="max"/> items).</summary>
    public async IAsyncEnumerable<Item> ListAllItemsAsync(
        string? category = null,
        ItemSort sort = ItemSort.Id,
        int pageSize = 500,
        int max = int.MaxValue,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        var offset = 0;
        while (offset < max)
        {
            var page = await ListItemsAsync(category, sort, Math.Min(pageSize, max - offset), offset, ct).ConfigureAwait(false);
            foreach (var item in page.Items)
            {
                yield return item;
            }

            offset += page.Items.Count;
            if (page.Items.Count == 0 || offset >= page.Total)
            {
                yield break;
            }
        }
    }

    /// <summary>The <paramref name="k"/> items most similar to <paramref name="itemId"/> under the current model.</summary>
    public Task<SimilarItems> GetSimilarAsync(string itemId, int k = 10, CancellationToken ct = default) =>
        SendAsync<SimilarItems>(HttpMethod.Get, $"api/v1/items/{Escape(itemId)}/similar?k={k.ToString(CultureInfo.InvariantCulture)}", null, ct);

    /// <summary>The <paramref name="k"/> most popular items (decayed), optionally in one category.</summary>
    public Task<PopularItems> GetPopularAsync(int k = 10, string? category = null, CancellationToken ct = default)
    {
        var query = new QueryBuilder()
            .Add("k", k.ToString(CultureInfo.InvariantCulture))
            .Add("category", category);
        return SendAsync<PopularItems>(HttpMethod.Get, $"api/v1/popular{query}", null, ct);
    }

    // ---- model and health ---------------------------------------------------------------------

    /// <summary>The served model: version, training figures, what the self-tuning chose and why.</summary>
    public Task<ModelStatus> GetModelAsync(CancellationToken ct = default) =>
        SendAsync<ModelStatus>(HttpMethod.Get, "api/v1/model", null, ct);

    /// <summary>Starts a retrain; with <paramref name="wait"/> the call returns once the new version is published.</summary>
    public Task<ModelStatus> RetrainAsync(bool wait = false, CancellationToken ct = default) =>
        SendAsync<ModelStatus>(HttpMethod.Post, wait ? "api/v1/model/retrain?wait=true" : "api/v1/model/retrain", null, ct);

    /// <summary>Records an evaluation's figures on the server; <c>GET /api/v1/model</c> then shows them as <c>lastEvaluation</c>.</summary>
    public Task ReportEvaluationAsync(IReadOnlyDictionary<string, double> figures, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, "api/v1/model/evaluation", figures, ct);

    /// <summary><c>GET /api/v1/health</c>: up, and which model serves.</summary>
    public Task<HealthStatus> GetHealthAsync(CancellationToken ct = default) =>
        SendAsync<HealthStatus>(HttpMethod.Get, "api/v1/health", null, ct);

    /// <summary>True when <c>/health/ready</c> answers 2xx (a grain round trip and storage reachable).</summary>
    public async Task<bool> IsReadyAsync(CancellationToken ct = default)
    {
        try
        {
            using var response = await _http.GetAsync("health/ready", ct).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>Disposes the <see cref="HttpClient"/> when this client created it (not a factory's).</summary>
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    // ---- plumbing -----------------------------------------------------------------------------

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var response = await SendRawAsync(method, path, body, ct).ConfigureAwait(false);
        await ThrowIfErrorAsync(response, ct).ConfigureAwait(false);
        var result = await response.Content.ReadFromJsonAsync<T>(RecommenderJson.Options, ct).ConfigureAwait(false);
        return result ?? throw new InvalidOperationException($"{method} {path} answered an empty body.");
    }

    private async Task SendAsync(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var response = await SendRawAsync(method, path, body, ct).ConfigureAwait(false);
        await ThrowIfErrorAsync(response, ct).ConfigureAwait(false);
    }

    private async Task<T?> SendOrNullOnNotFoundAsync<T>(string path, CancellationToken ct)
        where T : class
    {
        using var response = await SendRawAsync(HttpMethod.Get, path, null, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await ThrowIfErrorAsync(response, ct).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync<T>(RecommenderJson.Options, ct).ConfigureAwait(false);
    }

    private Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: RecommenderJson.Options);
        }

        return SendAndDisposeRequestAsync(request, ct);
    }

    private async Task<HttpResponseMessage> SendAndDisposeRequestAsync(HttpRequestMessage request, CancellationToken ct)
    {
        using (request)
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        }
    }

    private static async Task ThrowIfErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var raw = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        ApiProblem? problem = null;
        if (!string.IsNullOrWhiteSpace(raw))
        {
            try
            {
                problem = JsonSerializer.Deserialize<ApiProblem>(raw, RecommenderJson.Options);
            }
            catch (JsonException)
            {
                // Not a problem-details body (a proxy, a crash page): keep the raw text.
            }
        }

        problem ??= new ApiProblem(null, response.ReasonPhrase, (int)response.StatusCode, Truncate(raw), null);
        var request = response.RequestMessage is { } m ? $"{m.Method} {m.RequestUri?.PathAndQuery}" : null;
        throw new RecommenderApiException(response.StatusCode, problem, problem.Title is null ? raw : null, request);
    }

    private static string? Truncate(string? text) =>
        string.IsNullOrEmpty(text) ? null : text.Length <= 300 ? text : text[..300] + "…";

    private static string Escape(string id) => Uri.EscapeDataString(id);

    private static Uri EnsureTrailingSlash(Uri uri) =>
        uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");

    /// <summary>Builds <c>?a=1&amp;b=2</c>, skipping null values.</summary>
    private sealed class QueryBuilder
    {
        private readonly StringBuilder _text = new();

        public QueryBuilder Add(string name, string? value)
        {
            if (value is null)
            {
                return this;
            }

            _text.Append(_text.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
            return this;
        }

        public override string ToString() => _text.ToString();
    }
}
