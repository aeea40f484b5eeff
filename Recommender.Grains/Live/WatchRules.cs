using System.Security.Cryptography;
using System.Text;
using Recommender.Grains.Users;

namespace Recommender.Grains.Live;

/// <summary>
/// The rules a watch ranks under: an inline filter, a stored filter's name and the $parameters
/// (canonical properties JSON), as on <see cref="RecommendQuery"/>. Watches of one user with the
/// same rules share one ranking per event; <see cref="Key"/> names them on both sides.
/// </summary>
[GenerateSerializer, Alias("reco.WatchRules"), Immutable]
public sealed record WatchRules
{
    [Id(0)] public string? Filter { get; init; }
    [Id(1)] public string? FilterName { get; init; }
    [Id(2)] public string? Parameters { get; init; }

    /// <summary>A short stable name of these rules (hex of a SHA-256 of the three parts).</summary>
    public string Key => KeyOf(Filter, FilterName, Parameters);

    public RecommendQuery ApplyTo(RecommendQuery query) => query with { Filter = Filter, FilterName = FilterName, Parameters = Parameters };

    /// <summary>Null when the rules hold nothing (the watch is unfiltered).</summary>
    public static WatchRules? Of(string? filter, string? filterName, string? parameters) =>
        filter is null && filterName is null ? null : new WatchRules { Filter = filter, FilterName = filterName, Parameters = parameters };

    private static string KeyOf(string? filter, string? filterName, string? parameters)
    {
        // Lengths first, so no two different triples write the same bytes.
        var text = $"{filter?.Length ?? -1}:{filter}|{filterName?.Length ?? -1}:{filterName}|{parameters?.Length ?? -1}:{parameters}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 12));
    }
}
