using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Recommender.Tests.Infrastructure;

/// <summary>
/// Every log entry the host writes at the configured levels (category, level, message), from its
/// start on: add it while building the host (<c>builder.Logging.AddProvider</c>), not afterwards,
/// or the start-up's entries are missed.
/// </summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<(DateTimeOffset At, string Category, LogLevel Level, EventId Id, string Message)> _entries = new();

    public IReadOnlyList<(DateTimeOffset At, string Category, LogLevel Level, EventId Id, string Message)> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new CategoryLogger(this, categoryName);

    public void Dispose() { }

    private sealed class CategoryLogger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._entries.Enqueue((DateTimeOffset.UtcNow, category, logLevel, eventId, formatter(state, exception)));
    }
}
