namespace SseFunctions.Benchmarks.Clients;

/// <summary>Reads what follows a stream's response head, as it arrives, counting the benchmark's events in it.</summary>
internal interface IBodyScanner
{
    /// <summary>The stream carries events: at once for SSE, after the hub protocol's handshake for SignalR.</summary>
    bool Open { get; }

    /// <summary>The server refused the stream in its body (a failed SignalR handshake, a WebSocket close).</summary>
    bool Failed { get; }

    void Feed(ReadOnlySpan<byte> data, in Arrival arrival);
}
