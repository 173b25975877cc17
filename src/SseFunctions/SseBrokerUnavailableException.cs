namespace SseFunctions;

/// <summary>
/// The broker (Redis) could not be reached, or did not answer within <see cref="SseOptions.PublishTimeout"/>.
/// Whether the event was published is not known for sure: when Redis was unreachable it was not, but when Redis stopped
/// answering after the event was sent (a timeout, or the connection lost mid-call) it may still have been, and clients
/// then receive it as usual. Publishing it again may deliver it twice. The message says which case this is.
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
