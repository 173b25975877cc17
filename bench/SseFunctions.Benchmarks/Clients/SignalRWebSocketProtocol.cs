using System.Net.Sockets;
using System.Text;

namespace SseFunctions.Benchmarks.Clients;

/// <summary>
/// SignalR's default transport by hand: negotiate, upgrade the stream's socket to a WebSocket, send the handshake in
/// one masked text frame, then read frames. No WebSocket client library: its per-message work would load the client.
/// </summary>
internal sealed class SignalRWebSocketProtocol(Uri hubUrl) : IStreamProtocol
{
    private readonly SignalRNegotiation _negotiation = new(hubUrl);
    private readonly byte[] _handshakeFrame = MaskedTextFrame(SignalRNegotiation.HandshakeRequest);

    public async Task<StreamOpening> PrepareAsync()
    {
        var pathAndQuery = await _negotiation.NegotiateAsync();
        var key = Convert.ToBase64String(Guid.NewGuid().ToByteArray());
        var request = Encoding.ASCII.GetBytes(
            $"GET {pathAndQuery} HTTP/1.1\r\nHost: {hubUrl.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n");
        var deliveries = new DeliveryCounter();
        return new StreamOpening(request, 101, new WebSocketFrameScanner(new HubMessageScanner(deliveries)), deliveries, SendHandshakeAsync);
    }

    public void Dispose() => _negotiation.Dispose();

    private async Task SendHandshakeAsync(Socket socket) => await socket.SendAsync(_handshakeFrame);

    /// <summary>A final text frame with a short payload, masked as every frame from a client must be (RFC 6455, 5.3).</summary>
    private static byte[] MaskedTextFrame(ReadOnlySpan<byte> payload)
    {
        const int HeaderLength = 2;
        const int MaskLength = 4;
        var frame = new byte[HeaderLength + MaskLength + payload.Length];
        frame[0] = 0x81;
        frame[1] = (byte)(0x80 | payload.Length);
        var mask = frame.AsSpan(HeaderLength, MaskLength);
        Random.Shared.NextBytes(mask);
        for (var i = 0; i < payload.Length; i++)
        {
            frame[HeaderLength + MaskLength + i] = (byte)(payload[i] ^ mask[i % MaskLength]);
        }

        return frame;
    }
}
