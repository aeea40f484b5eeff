namespace Recommender.Client.Api;

/// <summary>An RFC 7807 problem-details body, as every error of the API carries.</summary>
/// <param name="Type">A URI naming the kind of problem.</param>
/// <param name="Title">A short summary.</param>
/// <param name="Status">The HTTP status.</param>
/// <param name="Detail">What was wrong with this request.</param>
/// <param name="Errors">For validation failures: field → reasons.</param>
public sealed record ApiProblem(
    string? Type,
    string? Title,
    int? Status,
    string? Detail,
    IReadOnlyDictionary<string, string[]>? Errors);
