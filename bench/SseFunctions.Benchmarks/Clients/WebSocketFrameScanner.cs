using System.Buffers.Binary;

namespace SseFunctions.Benchmarks.Clients;

/// <summary>
/// Reads the server's side of a WebSocket (RFC 6455 frames, unmasked) as it arrives: the payload of text, binary and
/// continuation frames goes to the hub scanner, whose records may span frames; control frames are skipped, and a
/// close frame ends the stream.
/// </summary>
internal sealed class WebSocketFrameScanner(HubMessageScanner hub) : IBodyScanner
{
    private const int MaxHeaderLength = 14;
    private const byte CloseOpcode = 0x8;
    private const byte FirstControlOpcode = 0x8;

    private readonly byte[] _header = new byte[MaxHeaderLength];
    private int _headerLength;
    private long _payloadRemaining;
    private bool _controlFrame;
    private bool _closed;

    public bool Open => hub.Open && !_closed;

    public bool Failed => hub.Failed || _closed;

    public void Feed(ReadOnlySpan<byte> data, in Arrival arrival)
    {
        while (!data.IsEmpty)
        {
            if (_payloadRemaining > 0)
            {
                var take = (int)Math.Min(_payloadRemaining, data.Length);
                if (!_controlFrame)
                {
                    hub.Feed(data[..take], arrival);
                }

                data = data[take..];
                _payloadRemaining -= take;
                continue;
            }

            data = FeedHeader(data);
        }
    }

    /// <summary>Collects a frame header, which a read may cut anywhere, and starts its payload once it is whole.</summary>
    private ReadOnlySpan<byte> FeedHeader(ReadOnlySpan<byte> data)
    {
        var needed = HeaderLength();
        var take = Math.Min(needed - _headerLength, data.Length);
        data[..take].CopyTo(_header.AsSpan(_headerLength));
        _headerLength += take;
        data = data[take..];
        if (_headerLength < 2 || _headerLength < HeaderLength())
        {
            return data;
        }

        var opcode = (byte)(_header[0] & 0x0F);
        var length = _header[1] & 0x7F;
        _payloadRemaining = length switch
        {
            126 => BinaryPrimitives.ReadUInt16BigEndian(_header.AsSpan(2)),
            127 => (long)BinaryPrimitives.ReadUInt64BigEndian(_header.AsSpan(2)),
            _ => length,
        };
        _controlFrame = opcode >= FirstControlOpcode;
        _closed |= opcode == CloseOpcode;
        _headerLength = 0;
        return data;
    }

    /// <summary>The length of the header being collected: 2 until its second byte tells the rest.</summary>
    private int HeaderLength()
    {
        if (_headerLength < 2)
        {
            return 2;
        }

        var extended = (_header[1] & 0x7F) switch
        {
            126 => 2,
            127 => 8,
            _ => 0,
        };
        var mask = (_header[1] & 0x80) != 0 ? 4 : 0;
        return 2 + extended + mask;
    }
}
