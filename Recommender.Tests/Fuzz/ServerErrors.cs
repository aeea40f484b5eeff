using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Recommender.Tests.Fuzz;

/// <summary>
/// Collects the exceptions the server logs at Error level (the exception handler logs every 500
/// with its exception), keyed by the request's trace id — the <c>traceId</c> of the problem
/// answer — so a fuzz finding shows the stack trace next to the input. Attach with
/// <c>ILoggerFactory.AddProvider</c> on the running server.
/// </summary>
public sealed class ServerErrors : ILoggerProvider, ILogger
{
    private readonly ConcurrentQueue<(string? TraceId, string Category, Exception Error)> _errors = new();

    /// <summary>The exception behind the answer with this trace id, or null.</summary>
    public string? Find(string? traceId)
    {
        var match = _errors.ToArray().LastOrDefault(e => traceId is not null && e.TraceId == traceId);
        return match.Error is null ? null : $"{match.Category}\n{match.Error}";
    }

    /// <summary>The latest exception logged (for answers without a trace id).</summary>
    public string? Latest() => _errors.ToArray() is { Length: > 0 } all ? $"{all[^1].Category}\n{all[^1].Error}" : null;

    public ILogger CreateLogger(string categoryName) => new CategoryLogger(this, categoryName);

    private sealed class CategoryLogger(ServerErrors owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Error && exception is not null) owner._errors.Enqueue((Activity.Current?.Id, category, exception));
        }
    }

    IDisposable? ILogger.BeginScope<TState>(TState state) => null;
    bool ILogger.IsEnabled(LogLevel logLevel) => false;
    void ILogger.Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) { }
    public void Dispose() { }
}
