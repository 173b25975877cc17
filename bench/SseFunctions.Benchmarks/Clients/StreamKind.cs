namespace SseFunctions.Benchmarks.Clients;

/// <summary>The protocol the load's streams speak.</summary>
internal enum StreamKind
{
    /// <summary>A <c>GET</c> answered with <c>text/event-stream</c>: the package and the baseline.</summary>
    ServerSentEvents,

    /// <summary>SignalR's default transport: negotiate, WebSocket upgrade, JSON hub protocol.</summary>
    SignalRWebSockets,

    /// <summary>SignalR's server-sent-events transport: negotiate, a streaming <c>GET</c>, the handshake by <c>POST</c>.</summary>
    SignalRServerSentEvents,
}
