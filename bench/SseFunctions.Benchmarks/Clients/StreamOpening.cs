using System.Net.Sockets;

namespace SseFunctions.Benchmarks.Clients;

/// <summary>How one stream of the load opens and is read.</summary>
/// <param name="Request">The HTTP/1.1 request the socket sends first.</param>
/// <param name="ExpectedStatus">200 for a stream, 101 for a WebSocket upgrade.</param>
/// <param name="Body">What reads the response's body.</param>
/// <param name="Deliveries">Where the body's scanner counts the benchmark's events.</param>
/// <param name="AfterHead">What the client sends once the response head arrived (SignalR's handshake), if anything.</param>
internal sealed record StreamOpening(
    ReadOnlyMemory<byte> Request,
    int ExpectedStatus,
    IBodyScanner Body,
    DeliveryCounter Deliveries,
    Func<Socket, Task>? AfterHead);
