using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace SseFunctions.Tests.Attacks;

/// <summary>
/// Writes every log entry as a real logger would print it, through one of the console logger's own formatters, into
/// text a test can read line by line: what an operator's log file or terminal would show.
/// </summary>
public sealed class FormattedLogProvider(ConsoleFormatter formatter) : ILoggerProvider
{
    private readonly Lock _gate = new();
    private readonly StringWriter _output = new();

    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToString();
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new FormattingLogger(this, categoryName);

    public void Dispose() => _output.Dispose();

    private void Write<TState>(in LogEntry<TState> entry)
    {
        lock (_gate)
        {
            formatter.Write(entry, scopeProvider: null, _output);
        }
    }

    private sealed class FormattingLogger(FormattedLogProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            provider.Write(new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter));
    }
}
