namespace SseFunctions.Benchmarks.Clients;

/// <summary>
/// Reads SignalR's server-sent-events transport: every <c>data:</c> line carries hub protocol text (one or several
/// records, as many as the server had queued), which goes to the hub scanner as it arrives; every other line, the
/// blank ones that end events and the opening comment, is skipped. No line is buffered: one may be long.
/// </summary>
internal sealed class SignalRSseScanner(HubMessageScanner hub) : IBodyScanner
{
    private static ReadOnlySpan<byte> DataField => "data:"u8;

    private Phase _phase = Phase.LineStart;
    private int _matched;

    private enum Phase
    {
        LineStart,
        DataValueStart,
        DataValue,
        SkipLine,
    }

    public bool Open => hub.Open;

    public bool Failed => hub.Failed;

    public void Feed(ReadOnlySpan<byte> data, in Arrival arrival)
    {
        while (!data.IsEmpty)
        {
            switch (_phase)
            {
                case Phase.LineStart:
                    if (data[0] == DataField[_matched])
                    {
                        _matched++;
                        if (_matched == DataField.Length)
                        {
                            _phase = Phase.DataValueStart;
                        }
                    }
                    else
                    {
                        _phase = data[0] == (byte)'\n' ? Phase.LineStart : Phase.SkipLine;
                        _matched = 0;
                    }

                    data = data[1..];
                    break;
                case Phase.DataValueStart:
                    _phase = Phase.DataValue;
                    if (data[0] == (byte)' ')
                    {
                        data = data[1..];
                    }

                    break;
                default:
                    var lineFeed = data.IndexOf((byte)'\n');
                    var value = lineFeed < 0 ? data : data[..lineFeed];
                    if (_phase == Phase.DataValue)
                    {
                        // A CR before the line feed reaches the hub scanner too, which reads it as nothing.
                        hub.Feed(value, arrival);
                    }

                    if (lineFeed < 0)
                    {
                        return;
                    }

                    data = data[(lineFeed + 1)..];
                    _phase = Phase.LineStart;
                    _matched = 0;
                    break;
            }
        }
    }
}
