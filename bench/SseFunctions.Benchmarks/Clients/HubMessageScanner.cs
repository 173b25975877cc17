using System.Buffers;

namespace SseFunctions.Benchmarks.Clients;

/// <summary>
/// Reads SignalR's JSON hub protocol as it arrives, in whatever pieces the transport cut it into: records end with the
/// record separator 0x1E; the first is the handshake response (<c>{}</c> when accepted); in each later one only the
/// first <c>&lt;digits&gt;:&lt;digits&gt;</c> is read — the benchmark payload in the invocation's arguments — and the
/// rest is skipped with a vectorized search for the next separator.
/// </summary>
internal sealed class HubMessageScanner(DeliveryCounter deliveries)
{
    public const byte RecordSeparator = 0x1E;

    // Digits start the payload; the separator ends a record that has none (a ping, a close).
    private static readonly SearchValues<byte> DigitOrSeparator = SearchValues.Create("0123456789\u001e"u8);

    private bool _handshakeDone;
    private int _handshakeLength;
    private Phase _phase;
    private long _number;
    private long _sequence;
    private long _timestamp;

    private enum Phase
    {
        Seeking,
        Sequence,
        TimestampStart,
        Timestamp,
        Found,
    }

    /// <summary>The server accepted the handshake: invocations follow.</summary>
    public bool Open { get; private set; }

    /// <summary>The server answered the handshake with an error.</summary>
    public bool Failed { get; private set; }

    public void Feed(ReadOnlySpan<byte> data, in Arrival arrival)
    {
        while (!data.IsEmpty)
        {
            if (!_handshakeDone)
            {
                data = FeedHandshake(data);
                continue;
            }

            var skip = _phase switch
            {
                Phase.Found => data.IndexOf(RecordSeparator),
                Phase.Seeking => data.IndexOfAny(DigitOrSeparator),
                _ => 0,
            };
            if (skip < 0)
            {
                return;
            }

            var value = data[skip];
            data = data[(skip + 1)..];
            if (value == RecordSeparator)
            {
                EndRecord(arrival);
            }
            else
            {
                Step(value);
            }
        }
    }

    private ReadOnlySpan<byte> FeedHandshake(ReadOnlySpan<byte> data)
    {
        var end = data.IndexOf(RecordSeparator);
        if (end < 0)
        {
            _handshakeLength += data.Length;
            return default;
        }

        // The accepted handshake is exactly "{}"; an error says {"error":"..."}.
        _handshakeLength += end;
        _handshakeDone = true;
        Open = _handshakeLength == 2;
        Failed = !Open;
        return data[(end + 1)..];
    }

    private void Step(byte value)
    {
        var isDigit = value is >= (byte)'0' and <= (byte)'9';
        switch (_phase)
        {
            case Phase.Seeking:
                _number = value - '0';
                _phase = Phase.Sequence;
                break;
            case Phase.Sequence when isDigit:
            case Phase.Timestamp when isDigit:
                _number = (_number * 10) + (value - '0');
                break;
            case Phase.Sequence:
                _sequence = _number;
                _phase = value == (byte)':' ? Phase.TimestampStart : Phase.Seeking;
                break;
            case Phase.TimestampStart when isDigit:
                _number = value - '0';
                _phase = Phase.Timestamp;
                break;
            case Phase.TimestampStart:
                _phase = Phase.Seeking;
                break;
            default:
                _timestamp = _number;
                _phase = Phase.Found;
                break;
        }
    }

    private void EndRecord(in Arrival arrival)
    {
        // A record without a benchmark payload (a ping, a close) counts for nothing.
        if (_phase == Phase.Found)
        {
            deliveries.Count(_sequence, _timestamp, arrival);
        }

        _phase = Phase.Seeking;
    }
}
