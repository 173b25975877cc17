using System.Globalization;
using System.Text;

namespace SseFunctions.Benchmarks.Clients;

/// <summary>
/// Reads one HTTP/1.1 response as it arrives, as cheaply as possible: the status line and headers, then the body —
/// through chunked framing when the server chose it — handed to the body's own scanner.
/// </summary>
/// <param name="expectedStatus">200 for a stream, 101 for a WebSocket upgrade: anything else fails the stream.</param>
/// <param name="body">What reads the body: server-sent events, or WebSocket frames.</param>
internal sealed class HttpResponseScanner(int expectedStatus, IBodyScanner body)
{
    private const int LineCapacity = 256;

    private readonly LineBuffer _line = new(LineCapacity);
    private readonly byte[] _statusPrefix = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $" {expectedStatus} "));
    private Phase _phase = Phase.StatusLine;
    private bool _chunked;
    private long _chunkRemaining;

    private enum Phase
    {
        StatusLine,
        Headers,
        ChunkSize,
        ChunkData,
        ChunkEnd,
        Body,
        Done,
    }

    /// <summary>The status was the expected one and the headers are through.</summary>
    public bool HeadComplete { get; private set; }

    /// <summary>The status was not the expected one, or the framing broke; the stream is of no use.</summary>
    public bool Failed { get; private set; }

    /// <summary>The response's status line, to tell what went wrong with a stream that failed.</summary>
    public string? StatusLine { get; private set; }

    public void Feed(ReadOnlySpan<byte> data, in Arrival arrival)
    {
        while (!data.IsEmpty && _phase != Phase.Done)
        {
            switch (_phase)
            {
                case Phase.StatusLine or Phase.Headers or Phase.ChunkSize or Phase.ChunkEnd:
                    data = FeedControlLine(data);
                    break;
                case Phase.ChunkData:
                    var take = (int)Math.Min(_chunkRemaining, data.Length);
                    body.Feed(data[..take], arrival);
                    data = data[take..];
                    _chunkRemaining -= take;
                    if (_chunkRemaining == 0)
                    {
                        _phase = Phase.ChunkEnd;
                    }

                    break;
                default:
                    body.Feed(data, arrival);
                    data = default;
                    break;
            }
        }
    }

    /// <summary>Consumes up to the end of one CRLF-terminated line of HTTP framing, acting on it when complete.</summary>
    private ReadOnlySpan<byte> FeedControlLine(ReadOnlySpan<byte> data)
    {
        var lineFeed = data.IndexOf((byte)'\n');
        _line.Append(lineFeed < 0 ? data : data[..lineFeed]);
        if (lineFeed < 0)
        {
            return default;
        }

        var line = _line.Take().TrimEnd((byte)'\r');
        switch (_phase)
        {
            case Phase.StatusLine:
                StatusLine = Encoding.ASCII.GetString(line);
                Failed = !line.StartsWith("HTTP/1."u8) || line.IndexOf(_statusPrefix) != "HTTP/1.x".Length;
                _phase = Failed ? Phase.Done : Phase.Headers;
                break;
            case Phase.Headers when line.IsEmpty:
                HeadComplete = true;
                _phase = _chunked ? Phase.ChunkSize : Phase.Body;
                break;
            case Phase.Headers:
                _chunked |= Ascii.EqualsIgnoreCase(line, "Transfer-Encoding: chunked"u8);
                break;
            case Phase.ChunkSize:
                _chunkRemaining = ParseHex(line);
                _phase = _chunkRemaining > 0 ? Phase.ChunkData : Phase.Done;
                Failed |= _chunkRemaining < 0;
                break;
            default:
                _phase = Phase.ChunkSize;
                break;
        }

        return data[(lineFeed + 1)..];
    }

    private static long ParseHex(ReadOnlySpan<byte> line)
    {
        var end = line.IndexOf((byte)';');
        var digits = end < 0 ? line : line[..end];
        return long.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size) ? size : -1;
    }
}
