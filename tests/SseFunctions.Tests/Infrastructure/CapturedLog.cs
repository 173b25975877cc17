using Microsoft.Extensions.Logging;

namespace SseFunctions.Tests.Infrastructure;

/// <summary>One entry a <see cref="CapturingLoggerProvider"/> recorded.</summary>
public sealed record CapturedLog(string Category, LogLevel Level, string Message, Exception? Exception = null);
