namespace SseFunctions.Benchmarks.Clients;

/// <summary>
/// Reads a server-sent event stream for only what the benchmark needs from each event: the sequence number and the
/// publish timestamp the publisher put in its data as <c>&lt;sequence&gt;:&lt;timestamp&gt;</c>.
/// </summary>
internal sealed class SseEventScanner(DeliveryCounter deliveries) : IBodyScanner
{
    private const int LineCapacity = 256;

    // A chunk or a read may end in the middle of an event's line.
    private readonly LineBuffer _line = new(LineCapacity);
    private bool _eventHasData;
    private long _eventSequence = -1;
    private long _eventTimestamp;

    public bool Open => true;

    public bool Failed => false;

    public void Feed(ReadOnlySpan<byte> data, in Arrival arrival)
    {
        while (!data.IsEmpty)
        {
            var lineFeed = data.IndexOf((byte)'\n');
            if (lineFeed < 0)
            {
                _line.Append(data);
                return;
            }

            if (_line.IsEmpty)
            {
                OnLine(data[..lineFeed], arrival);
            }
            else
            {
                _line.Append(data[..lineFeed]);
                OnLine(_line.Take(), arrival);
            }

            data = data[(lineFeed + 1)..];
        }
    }

    private void OnLine(ReadOnlySpan<byte> line, in Arrival arrival)
    {
        line = line.TrimEnd((byte)'\r');
        if (line.IsEmpty)
        {
            // An event without a benchmark payload (a package's own signal) counts for nothing.
            if (_eventHasData && _eventSequence >= 0)
            {
                deliveries.Count(_eventSequence, _eventTimestamp, arrival);
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
}
