namespace Recommender.Client;

/// <summary>
/// Where the service is and how to call it; set in <c>AddRecommenderClient(o => …)</c>, for example from
/// configuration: <c>o => builder.Configuration.GetSection("Recommender").Bind(o)</c>.
/// </summary>
public sealed class RecommenderClientOptions
{
    /// <summary>The service root, e.g. <c>http://localhost:5000/</c>. Required; absolute http(s).</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>Sent as <c>X-Api-Key</c> on every request and on the hub connection; null when the service needs none.</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// The limit of one attempt (the standard resilience handler's attempt timeout). Default 30 s; a retrain with
    /// <c>wait=true</c> needs more (it answers when the training is done).
    /// </summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The limit of a whole call, every retry included (the standard resilience handler's total timeout). Default 2 min.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Whether events without an id get a random one before the first attempt (default true). The standard
    /// resilience handler retries POSTs too; the id is what makes that safe: the service acknowledges an id
    /// the user already has as a duplicate and does not apply it again.
    /// </summary>
    public bool AssignEventIds { get; set; } = true;
}
