using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using SseFunctions.Tests.Infrastructure;

namespace SseFunctions.Tests.Resilience;

/// <summary>
/// A client that opens a stream over a raw socket with a small receive window, reads its first event, then stops
/// reading while keeping the connection open: what a frozen browser tab or a stuck proxy does to the server.
/// The response is read as raw bytes: the first event is small enough to arrive in one chunk.
/// </summary>
public sealed partial class StalledReader : IDisposable
{
    private readonly Socket _socket;
    private readonly StringBuilder _received = new();

    private StalledReader(Socket socket) => _socket = socket;

    /// <summary>The id of the first event, the last one this client fully read before it stopped.</summary>
    public string? FirstEventId { get; private set; }

    /// <summary>Opens the stream and reads until it is open (its opening comment came): the server listens from then on.</summary>
    public static async Task<StalledReader> OpenAsync(Uri baseAddress, string pathAndQuery)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        var reader = new StalledReader(socket);
        using var deadline = new CancellationTokenSource(SseTestClient.Patience);
        await socket.ConnectAsync(baseAddress.Host, baseAddress.Port, deadline.Token);
        var request = $"GET {pathAndQuery} HTTP/1.1\r\nHost: {baseAddress.Authority}\r\nAccept: text/event-stream\r\n\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None, deadline.Token);
        await reader.ReadUntilAsync(text => text.Contains("\r\n\r\n", StringComparison.Ordinal) && text.Contains(":\n\n", StringComparison.Ordinal), deadline.Token);
        return reader;
    }

    /// <summary>Reads until the first event is complete, then reads no more.</summary>
    public async Task ReadFirstEventAsync()
    {
        using var deadline = new CancellationTokenSource(SseTestClient.Patience);
        await ReadUntilAsync(text => FirstEvent().IsMatch(text), deadline.Token);
        FirstEventId = FirstEvent().Match(_received.ToString()).Groups["id"].Value;
    }

    /// <summary>
    /// Starts reading again and completes when the server has closed or cut the connection; false if it still holds it
    /// open after <paramref name="timeout"/>.
    /// </summary>
    public async Task<bool> WaitUntilServerClosedAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        var buffer = new byte[64 * 1024];
        try
        {
            while (await _socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token) > 0)
            {
            }

            return true;
        }
        catch (SocketException)
        {
            // Cut rather than closed: that is how a slow stream ends.
            return true;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            return false;
        }
    }

    public void Dispose() => _socket.Dispose();

    private async Task ReadUntilAsync(Func<string, bool> condition, CancellationToken cancellationToken)
    {
        var buffer = new byte[256];
        while (!condition(_received.ToString()))
        {
            var read = await _socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                throw new InvalidOperationException($"The stream ended early:\n{_received}");
            }

            _received.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }
    }

    [GeneratedRegex("\nid: (?<id>[^\n]+)\n(?:retry: [^\n]*\n)?\n")]
    private static partial Regex FirstEvent();
}
