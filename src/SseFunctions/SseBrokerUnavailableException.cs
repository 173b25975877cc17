namespace SseFunctions;

/// <summary>
/// The broker (Redis) could not be reached, or did not answer within <see cref="SseOptions.PublishTimeout"/>.
/// The event must be treated as not published.
/// </summary>
public sealed class SseBrokerUnavailableException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    public SseBrokerUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the broker's own error.</summary>
    public SseBrokerUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public SseBrokerUnavailableException()
        : base("The SSE broker is unavailable.")
    {
    }
}
