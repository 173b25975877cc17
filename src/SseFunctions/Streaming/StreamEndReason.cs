namespace SseFunctions.Streaming;

/// <summary>Why a stream ended on the server's side.</summary>
internal enum StreamEndReason
{
    /// <summary>Still open, or ended by the client.</summary>
    None,

    /// <summary>It reached its maximum duration; the browser reconnects and resumes.</summary>
    MaxDuration,

    /// <summary>The application is stopping.</summary>
    Shutdown,

    /// <summary>Its client read too slowly and its queue filled.</summary>
    Slow,

    /// <summary>A write to its client did not complete within <see cref="SseOptions.WriteTimeout"/>: the client stopped reading.</summary>
    Stalled,
}
