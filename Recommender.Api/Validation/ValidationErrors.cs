using Microsoft.AspNetCore.Http.HttpResults;
using Recommender.Grains.Domain;

namespace Recommender.Api.Validation;

/// <summary>Collects field → reasons for an RFC 7807 validation problem.</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    /// <summary>Reasons added so far (including those not kept in a very long list).</summary>
    public int Total { get; private set; }

    public void Add(string field, string reason)
    {
        Total++;
        if (!_errors.TryGetValue(field, out var list))
        {
            // A large batch with one systematic error should not produce a megabyte of problems:
            // the first 50 fields are named, the rest are counted under "more".
            if (_errors.Count >= 50)
            {
                _errors["more"] = [$"{Total - CountedReasons()} more problems in fields not listed."];
                return;
            }
            _errors[field] = list = [];
        }
        if (list.Count < 5) list.Add(reason);
    }

    /// <summary>Every field with its reasons, in the order first added.</summary>
    public IEnumerable<(string Field, string[] Reasons)> Entries => _errors.Select(e => (e.Key, e.Value.ToArray()));

    /// <summary>One line: "field: reason; field: reason".</summary>
    public override string ToString() => string.Join("; ", _errors.SelectMany(e => e.Value.Select(r => $"{e.Key}: {r}")));

    private int CountedReasons() => _errors.Where(e => e.Key != "more").Sum(e => e.Value.Count);

    /// <summary>Checks an id against the single id rule (see <see cref="Identifiers"/>).</summary>
    public bool Id(string field, string? value)
    {
        if (Identifiers.IsValid(value, out var reason)) return true;
        Add(field, $"{field} {reason}.");
        return false;
    }

    public ValidationProblem ToResult(string title = "The request is invalid.") =>
        TypedResults.ValidationProblem(
            _errors.ToDictionary(e => e.Key, e => e.Value.ToArray()),
            title: title,
            type: ValidationType);

    /// <summary>The same problem as <see cref="ToResult"/>, for a handler that answers it as a <c>ProblemHttpResult</c>.</summary>
    public HttpValidationProblemDetails ToProblemDetails(string title = "The request is invalid.") =>
        new(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray()))
        {
            Title = title,
            Type = ValidationType,
            Status = StatusCodes.Status400BadRequest,
        };

    private const string ValidationType = "https://tools.ietf.org/html/rfc9110#section-15.5.1";
}
