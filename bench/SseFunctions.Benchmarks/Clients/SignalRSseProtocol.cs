using System.Text;

namespace SseFunctions.Benchmarks.Clients;

/// <summary>
/// SignalR's server-sent-events transport by hand: negotiate, a streaming <c>GET</c> with the token, the handshake by
/// <c>POST</c> once the stream is up, then <c>data:</c> lines of hub protocol text.
/// </summary>
internal sealed class SignalRSseProtocol(Uri hubUrl) : IStreamProtocol
{
    private readonly SignalRNegotiation _negotiation = new(hubUrl);

    public async Task<StreamOpening> PrepareAsync()
    {
        var pathAndQuery = await _negotiation.NegotiateAsync();
        var request = Encoding.ASCII.GetBytes(
            $"GET {pathAndQuery} HTTP/1.1\r\nHost: {hubUrl.Authority}\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n");
        var deliveries = new DeliveryCounter();
        return new StreamOpening(
            request,
            200,
            new SignalRSseScanner(new HubMessageScanner(deliveries)),
            deliveries,
            _ => _negotiation.PostHandshakeAsync(pathAndQuery));
    }

    public void Dispose() => _negotiation.Dispose();
}
