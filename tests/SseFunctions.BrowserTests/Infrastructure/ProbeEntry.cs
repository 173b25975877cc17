namespace SseFunctions.BrowserTests.Infrastructure;

/// <summary>
/// One event an <see cref="EventSourceProbe"/> saw: which listener got it (<c>onopen</c>, <c>onerror</c>, <c>onmessage</c>
/// or the type given to <c>addEventListener</c>), the event itself, the source's <c>readyState</c> then, and when (the
/// page's <c>performance.now()</c>, in milliseconds).
/// </summary>
public sealed record ProbeEntry(string Listener, string Type, string? Data, string? LastEventId, int ReadyState, double At)
{
    /// <summary>EventSource.CLOSED: the browser has given up and will not reconnect.</summary>
    public const int Closed = 2;

    public bool IsMessage => Listener is not ("onopen" or "onerror");
}
