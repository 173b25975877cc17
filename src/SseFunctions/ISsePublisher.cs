namespace SseFunctions;

/// <summary>
/// Publishes server-sent events to every stream listening on a channel, on every instance sharing the broker.
/// The .NET twin of Flask-SSE's <c>sse.publish(data, type=None, id=None, retry=None, channel='sse')</c>.
/// </summary>
public interface ISsePublisher
{
    /// <summary>Publishes one event.</summary>
    /// <param name="data">The event's data: a string is sent verbatim, any other value (including <see langword="null"/>) as JSON.</param>
    /// <param name="type">The SSE event type (<c>event:</c>); no CR or LF.</param>
    /// <param name="id">
    /// The SSE event id (<c>id:</c>); no CR, LF or NUL. Must be <see langword="null"/> while history is enabled,
    /// because the id is then the event's position in the history, which is what <c>Last-Event-ID</c> resumes from.
    /// </param>
    /// <param name="retry">The reconnection time hint in milliseconds; zero or more.</param>
    /// <param name="channel">The channel; defaults to Flask-SSE's <c>sse</c>.</param>
    /// <param name="cancellationToken">Cancels the wait for the broker.</param>
    /// <returns>How many subscribers the broker reported: processes listening on the channel, not browsers.</returns>
    /// <exception cref="ArgumentException">A field is invalid; the message names it.</exception>
    /// <exception cref="SseBrokerUnavailableException">The broker could not be reached in time; the event was not published.</exception>
    Task<long> PublishAsync(
        object? data,
        string? type = null,
        string? id = null,
        int? retry = null,
        string channel = "sse",
        CancellationToken cancellationToken = default);
}
