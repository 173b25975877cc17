namespace SseFunctions.Benchmarks.Clients;

/// <summary>Creates the protocol the load's streams speak to a side.</summary>
internal static class StreamProtocols
{
    /// <param name="kind">The protocol.</param>
    /// <param name="url">The stream URL with its query, or the hub's URL for SignalR.</param>
    public static IStreamProtocol Create(StreamKind kind, Uri url) => kind switch
    {
        StreamKind.SignalRWebSockets => new SignalRWebSocketProtocol(url),
        StreamKind.SignalRServerSentEvents => new SignalRSseProtocol(url),
        _ => new SseStreamProtocol(url),
    };
}
