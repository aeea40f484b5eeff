using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Recommender.Client.Api;

namespace Recommender.Client;

/// <summary>Registers the recommender's clients in a service collection.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>The name of the <see cref="HttpClient"/> behind <see cref="RecommenderClient"/> (to add handlers: <c>AddHttpClient(HttpClientName)</c>).</summary>
    public const string HttpClientName = "Recommender";

    /// <summary>
    /// Registers <see cref="RecommenderClient"/> as a typed client of <see cref="IHttpClientFactory"/> with the
    /// standard resilience handler (rate limit, total timeout, retries with back-off on transport errors, 408,
    /// 429 and 5xx, circuit breaker, attempt timeout) and <see cref="RecommendationsHubClient"/> as a singleton
    /// (not yet connected: call its <c>ConnectAsync</c>).
    /// </summary>
    /// <remarks>
    /// The handler retries every method, POST included: safe because <see cref="RecommenderClient"/> gives each
    /// event an id before the first attempt (<see cref="RecommenderClientOptions.AssignEventIds"/>), and the
    /// service skips an id the user already has. The other writes are idempotent by design (PUT of an item,
    /// rule or filter, DELETE); a retried <c>POST /model/retrain</c> may start a second training.
    /// </remarks>
    /// <returns>The HTTP client's builder, to add handlers or change the resilience settings.</returns>
    public static IHttpClientBuilder AddRecommenderClient(this IServiceCollection services, Action<RecommenderClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);

        services.AddOptions<RecommenderClientOptions>()
            .Configure(configure)
            .Validate(o => o.BaseAddress is { IsAbsoluteUri: true } u && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps),
                "Recommender client: BaseAddress must be an absolute http(s) URL.")
            .Validate(o => o.AttemptTimeout > TimeSpan.Zero && o.TotalTimeout >= o.AttemptTimeout,
                "Recommender client: AttemptTimeout must be positive and TotalTimeout at least AttemptTimeout.")
            .ValidateOnStart();

        var http = services.AddHttpClient(HttpClientName)
            .ConfigureHttpClient((sp, client) =>
            {
                var options = sp.GetRequiredService<IOptions<RecommenderClientOptions>>().Value;
                client.BaseAddress = WithTrailingSlash(options.BaseAddress!);
                // The resilience handler's timeouts bound each call; HttpClient's own (100 s) would cut a longer total.
                client.Timeout = Timeout.InfiniteTimeSpan;
                if (!string.IsNullOrEmpty(options.ApiKey))
                {
                    client.DefaultRequestHeaders.Add(RecommenderClient.ApiKeyHeader, options.ApiKey);
                }
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.All })
            .AddTypedClient((client, sp) => new RecommenderClient(client)
            {
                AssignEventIds = sp.GetRequiredService<IOptions<RecommenderClientOptions>>().Value.AssignEventIds,
            });

        http.AddStandardResilienceHandler()
            .Configure((resilience, sp) =>
            {
                var o = sp.GetRequiredService<IOptions<RecommenderClientOptions>>().Value;
                resilience.AttemptTimeout.Timeout = o.AttemptTimeout;
                resilience.TotalRequestTimeout.Timeout = o.TotalTimeout;
                // The breaker's window must be at least twice the attempt timeout (the handler validates it).
                if (resilience.CircuitBreaker.SamplingDuration < 2 * o.AttemptTimeout)
                {
                    resilience.CircuitBreaker.SamplingDuration = 2 * o.AttemptTimeout;
                }
            });

        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<RecommenderClientOptions>>().Value;
            return new RecommendationsHubClient(options.BaseAddress!, options.ApiKey);
        });
        return http;
    }

    private static Uri WithTrailingSlash(Uri uri) =>
        uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}
