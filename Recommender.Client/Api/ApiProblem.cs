namespace Recommender.Client.Api;

/// <summary>An RFC 7807 problem-details body, as every error of the API carries.</summary>
/// <param name="Errors">For validation failures: field → reasons.</param>
public sealed record ApiProblem(
    string? Type,
    string? Title,
    int? Status,
    string? Detail,
    IReadOnlyDictionary<string, string[]>? Errors);
