using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SseFunctions.Benchmarks.Load;

/// <summary>
/// One SSE connection of the load: a raw socket, a minimal HTTP/1.1 GET and a scanner. Thousands of these cost the load
/// program far less than HttpClient and SseParser would, so that the server, not the client, is what is measured.
/// </summary>
internal sealed class StreamClient : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[8192];
    private readonly SseResponseScanner _scanner = new();
    private readonly LatencyRecorder _latencies;
    private volatile bool _ended;
    private volatile bool _closing;

    private StreamClient(Socket socket, LatencyRecorder latencies)
    {
        _socket = socket;
        _latencies = latencies;
    }

    public SseResponseScanner Scanner => _scanner;

    /// <summary>The server ended the response or dropped the connection before the load program closed it.</summary>
    public bool Dropped => _ended && !_closing;

    /// <summary>How the connection ended: closed by the server, or the socket error.</summary>
    public string? Ending { get; private set; }

    public static async Task<StreamClient> OpenAsync(IPEndPoint endPoint, ReadOnlyMemory<byte> request, LatencyRecorder latencies)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint);
            await socket.SendAsync(request);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var client = new StreamClient(socket, latencies);
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
            while (true)
            {
                var read = await _socket.ReceiveAsync(_buffer, SocketFlags.None);
                if (read == 0)
                {
                    Ending = "closed by the server";
                    return;
                }

                _scanner.Feed(_buffer.AsSpan(0, read), Stopwatch.GetTimestamp(), _latencies.Local, _latencies.MeasureFrom);
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
