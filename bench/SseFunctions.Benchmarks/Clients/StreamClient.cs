using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using SseFunctions.Benchmarks.Load;

namespace SseFunctions.Benchmarks.Clients;

/// <summary>
/// One connection of the load: a raw socket, a minimal HTTP/1.1 request and hand-written scanners. Thousands of these
/// cost the load program far less than HttpClient, SseParser or a SignalR client would, so that the server, not the
/// client, is what is measured.
/// </summary>
internal sealed class StreamClient : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[8192];
    private readonly StreamOpening _opening;
    private readonly HttpResponseScanner _response;
    private readonly LatencyRecorder _latencies;
    private volatile bool _ended;
    private volatile bool _closing;

    private StreamClient(Socket socket, StreamOpening opening, LatencyRecorder latencies)
    {
        _socket = socket;
        _opening = opening;
        _response = new HttpResponseScanner(opening.ExpectedStatus, opening.Body);
        _latencies = latencies;
    }

    public DeliveryCounter Deliveries => _opening.Deliveries;

    /// <summary>The response head arrived and the body says the stream carries events (SignalR: after its handshake).</summary>
    public bool Open => _response.HeadComplete && _opening.Body.Open;

    /// <summary>The server refused the stream or broke its framing.</summary>
    public bool Failed => _response.Failed || _opening.Body.Failed;

    public string? StatusLine => _response.StatusLine;

    /// <summary>The server ended the response or dropped the connection before the load program closed it.</summary>
    public bool Dropped => _ended && !_closing;

    /// <summary>How the connection ended: closed by the server, or the socket error.</summary>
    public string? Ending { get; private set; }

    public static async Task<StreamClient> OpenAsync(IPEndPoint endPoint, StreamOpening opening, LatencyRecorder latencies)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint);
            await socket.SendAsync(opening.Request);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var client = new StreamClient(socket, opening, latencies);
        _ = client.ReadAsync();
        return client;
    }

    public void Dispose()
    {
        _closing = true;
        _socket.Dispose();
    }

    private async Task ReadAsync()
    {
        try
        {
            var afterHead = _opening.AfterHead;
            while (true)
            {
                var read = await _socket.ReceiveAsync(_buffer, SocketFlags.None);
                if (read == 0)
                {
                    Ending = "closed by the server";
                    return;
                }

                _response.Feed(_buffer.AsSpan(0, read), new Arrival(Stopwatch.GetTimestamp(), _latencies.Local, _latencies.MeasureFrom));
                if (afterHead is not null && _response.HeadComplete)
                {
                    await afterHead(_socket);
                    afterHead = null;
                }
            }
        }
        catch (Exception exception)
        {
            // Dropped by the server or closed by the load program (Dropped tells which), or a fault of the scanner's,
            // which must show as a dropped stream rather than vanish with this unobserved task.
            Ending = exception switch
            {
                SocketException socketError => socketError.SocketErrorCode.ToString(),
                ObjectDisposedException => "closed",
                _ => $"failed in the load program ({exception.GetType().Name}: {exception.Message})",
            };
        }
        finally
        {
            _ended = true;
        }
    }
}
