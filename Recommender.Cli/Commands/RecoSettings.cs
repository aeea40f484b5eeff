using System.ComponentModel;
using Recommender.Client.Api;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Recommender.Client.Commands;

/// <summary>Options every command has: where the service is and the key to present.</summary>
public class RecoSettings : CommandSettings
{
    public const string DefaultUrl = "http://127.0.0.1:5000";

    [CommandOption("--url <URL>")]
    [Description("Service base URL (default: $RECO_URL or " + DefaultUrl + ").")]
    public string? Url { get; set; }

    [CommandOption("--api-key <KEY>")]
    [Description("Sent as the X-Api-Key header (default: $RECO_API_KEY).")]
    public string? ApiKey { get; set; }

    public Uri BaseUri => new(Url ?? Environment.GetEnvironmentVariable("RECO_URL") ?? DefaultUrl);

    public string? ResolvedApiKey => ApiKey ?? Environment.GetEnvironmentVariable("RECO_API_KEY");

    public RecommenderClient CreateClient() => new(BaseUri, ResolvedApiKey);

    public override ValidationResult Validate()
    {
        var url = Url ?? Environment.GetEnvironmentVariable("RECO_URL") ?? DefaultUrl;
        return Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? ValidationResult.Success()
            : ValidationResult.Error($"--url must be an absolute http(s) URL, not '{url}'.");
    }
}
