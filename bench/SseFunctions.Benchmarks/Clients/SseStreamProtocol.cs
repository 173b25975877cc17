using System.Text;

namespace SseFunctions.Benchmarks.Clients;

/// <summary>A minimal <c>GET</c> of the stream URL and an event scanner: what a browser's EventSource sends and reads.</summary>
internal sealed class SseStreamProtocol(Uri streamUrl) : IStreamProtocol
{
    private readonly byte[] _request = Encoding.ASCII.GetBytes(
        $"GET {streamUrl.PathAndQuery} HTTP/1.1\r\nHost: {streamUrl.Authority}\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n");

    public Task<StreamOpening> PrepareAsync()
    {
        var deliveries = new DeliveryCounter();
        return Task.FromResult(new StreamOpening(_request, 200, new SseEventScanner(deliveries), deliveries, AfterHead: null));
    }

    public void Dispose()
    {
    }
}
