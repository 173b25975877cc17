using System.Diagnostics;

namespace SseFunctions.Benchmarks.Load;

/// <summary>
/// Reads one HTTP/1.1 SSE response as it arrives, as cheaply as possible: the status line and headers, chunked
/// framing, then only what the benchmark needs from each event — the sequence number and the publish timestamp the
/// publisher put in its data as <c>&lt;sequence&gt;:&lt;timestamp&gt;</c>.
/// </summary>
/// <remarks>
/// Latency is taken once per read, not per event: every event in one read arrived together.
/// Sequence numbers are checked per stream: a gap is a lost event, going back is a duplicate.
/// </remarks>
internal sealed class SseResponseScanner
{
    private const int LineCapacity = 256;
    private static readonly long TicksPerMicrosecond = Stopwatch.Frequency / 1_000_000;

    // Two line buffers: a chunk may end in the middle of an event's line, and the chunk framing must not disturb it.
    private readonly LineBuffer _httpLine = new(LineCapacity);
    private readonly LineBuffer _eventLine = new(LineCapacity);
    private Phase _phase = Phase.StatusLine;
    private bool _chunked;
    private long _chunkRemaining;
    private bool _eventHasData;
    private long _eventSequence = -1;
    private long _eventTimestamp;

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

    /// <summary>The status was 200 and the headers are through: the stream is open.</summary>
    public bool Open { get; private set; }

    /// <summary>The response was not a 200, or broke the framing; the stream is of no use.</summary>
    public bool Failed { get; private set; }

    /// <summary>The response's status line, to tell what went wrong with a stream that failed.</summary>
    public string? StatusLine { get; private set; }

    public long Received { get; private set; }

    public long Lost { get; private set; }

    public long Duplicates { get; private set; }

    /// <summary>Events whose data was not a benchmark payload (for example a package's own signal).</summary>
    public long Foreign { get; private set; }

    public long NextSequence { get; private set; }

    public long LastReceived { get; private set; }

    public void Feed(ReadOnlySpan<byte> data, long now, LatencyHistogram latencies, long measureFrom)
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
                    FeedEvents(data[..take], now, latencies, measureFrom);
                    data = data[take..];
                    _chunkRemaining -= take;
                    if (_chunkRemaining == 0)
                    {
                        _phase = Phase.ChunkEnd;
                    }

                    break;
                default:
                    FeedEvents(data, now, latencies, measureFrom);
                    data = default;
                    break;
            }
        }
    }

    /// <summary>Consumes up to the end of one CRLF-terminated line of HTTP framing, acting on it when complete.</summary>
    private ReadOnlySpan<byte> FeedControlLine(ReadOnlySpan<byte> data)
    {
        var lineFeed = data.IndexOf((byte)'\n');
        var part = lineFeed < 0 ? data : data[..lineFeed];
        _httpLine.Append(part);
        if (lineFeed < 0)
        {
            return default;
        }

        var line = _httpLine.Take().TrimEnd((byte)'\r');
        switch (_phase)
        {
            case Phase.StatusLine:
                StatusLine = System.Text.Encoding.ASCII.GetString(line);
                Failed = !line.StartsWith("HTTP/1.1 200"u8) && !line.StartsWith("HTTP/1.0 200"u8);
                _phase = Failed ? Phase.Done : Phase.Headers;
                break;
            case Phase.Headers when line.IsEmpty:
                Open = true;
                _phase = _chunked ? Phase.ChunkSize : Phase.Body;
                break;
            case Phase.Headers:
                _chunked |= System.Text.Ascii.EqualsIgnoreCase(line, "Transfer-Encoding: chunked"u8);
                break;
            case Phase.ChunkSize:
                _chunkRemaining = ParseHex(line);
                _phase = _chunkRemaining switch
                {
                    0 => Phase.Done,
                    < 0 => Phase.Done,
                    _ => Phase.ChunkData,
                };
                Failed |= _chunkRemaining < 0;
                break;
            default:
                _phase = Phase.ChunkSize;
                break;
        }

        return data[(lineFeed + 1)..];
    }

    private void FeedEvents(ReadOnlySpan<byte> data, long now, LatencyHistogram latencies, long measureFrom)
    {
        while (!data.IsEmpty)
        {
            var lineFeed = data.IndexOf((byte)'\n');
            if (lineFeed < 0)
            {
                _eventLine.Append(data);
                return;
            }

            if (_eventLine.IsEmpty)
            {
                OnLine(data[..lineFeed], now, latencies, measureFrom);
            }
            else
            {
                _eventLine.Append(data[..lineFeed]);
                OnLine(_eventLine.Take(), now, latencies, measureFrom);
            }

            data = data[(lineFeed + 1)..];
        }
    }

    private void OnLine(ReadOnlySpan<byte> line, long now, LatencyHistogram latencies, long measureFrom)
    {
        if (line.IsEmpty)
        {
            if (_eventHasData)
            {
                OnEvent(now, latencies, measureFrom);
            }

            _eventHasData = false;
            _eventSequence = -1;
            return;
        }

        if (line.StartsWith("data:"u8))
        {
            _eventHasData = true;
            ParsePayload(line[5..]);
        }
    }

    private void OnEvent(long now, LatencyHistogram latencies, long measureFrom)
    {
        if (_eventSequence < 0)
        {
            Foreign++;
            return;
        }

        if (_eventSequence < NextSequence)
        {
            Duplicates++;
            return;
        }

        Lost += _eventSequence - NextSequence;
        NextSequence = _eventSequence + 1;
        Received++;
        LastReceived = now;
        if (_eventSequence >= measureFrom)
        {
            latencies.Record((now - _eventTimestamp) / TicksPerMicrosecond);
        }
    }

    /// <summary>Finds <c>&lt;sequence&gt;:&lt;timestamp&gt;</c> after any prefix (the baseline sends the whole envelope as data).</summary>
    private void ParsePayload(ReadOnlySpan<byte> value)
    {
        var start = value.IndexOfAnyInRange((byte)'0', (byte)'9');
        if (start < 0)
        {
            return;
        }

        value = value[start..];
        var sequence = ReadNumber(ref value);
        if (value.IsEmpty || value[0] != (byte)':')
        {
            return;
        }

        value = value[1..];
        var before = value.Length;
        var timestamp = ReadNumber(ref value);
        if (value.Length != before)
        {
            _eventSequence = sequence;
            _eventTimestamp = timestamp;
        }
    }

    private static long ReadNumber(ref ReadOnlySpan<byte> value)
    {
        long number = 0;
        var i = 0;
        while (i < value.Length && value[i] is >= (byte)'0' and <= (byte)'9')
        {
            number = (number * 10) + (value[i] - '0');
            i++;
        }

        value = value[i..];
        return number;
    }

    private static long ParseHex(ReadOnlySpan<byte> line)
    {
        var end = line.IndexOf((byte)';');
        var digits = end < 0 ? line : line[..end];
        return long.TryParse(digits, System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var size)
            ? size
            : -1;
    }
}
