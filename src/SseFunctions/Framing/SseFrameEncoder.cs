using System.Buffers;
using System.Globalization;
using System.Text;
using SseFunctions.Events;

namespace SseFunctions.Framing;

/// <summary>
/// Encodes events as WHATWG <c>text/event-stream</c> blocks in UTF-8 without a byte-order mark: <c>event:</c>, one
/// <c>data:</c> line per line of data (split on CRLF, CR and LF), <c>id:</c>, <c>retry:</c>, then a blank line.
/// </summary>
internal static class SseFrameEncoder
{
    public static SseFrame Encode(SseEnvelope envelope)
    {
        var buffer = new ArrayBufferWriter<byte>(envelope.DataText.Length + 64);
        if (envelope.Type is not null)
        {
            WriteField(buffer, "event: "u8, envelope.Type);
        }

        WriteData(buffer, envelope.DataText);
        EventPosition? position = null;
        if (envelope.Id is not null)
        {
            WriteField(buffer, "id: "u8, envelope.Id);
            if (EventPosition.TryParse(envelope.Id, out var parsed))
            {
                position = parsed;
            }
        }

        if (envelope.Retry is not null)
        {
            WriteField(buffer, "retry: "u8, envelope.Retry.Value.ToString(CultureInfo.InvariantCulture));
        }

        buffer.Write("\n"u8);
        return new SseFrame(buffer.WrittenSpan.ToArray(), position);
    }

    /// <summary>An event of the package's own (the opening of a stream, a resume signal): no id, so the browser's last id stays.</summary>
    public static byte[] EncodeControl(string type, string data, TimeSpan? retry)
    {
        var buffer = new ArrayBufferWriter<byte>(64 + data.Length);
        WriteField(buffer, "event: "u8, type);
        WriteData(buffer, data);
        if (retry is not null)
        {
            WriteField(buffer, "retry: "u8, ((long)retry.Value.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
        }

        buffer.Write("\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteData(ArrayBufferWriter<byte> buffer, string data)
    {
        // Always at least one data: line, so that an event with empty data still dispatches.
        var rest = data.AsSpan();
        while (true)
        {
            var lineBreak = rest.IndexOfAny('\r', '\n');
            var line = lineBreak < 0 ? rest : rest[..lineBreak];
            WriteField(buffer, "data: "u8, line);
            if (lineBreak < 0)
            {
                return;
            }

            var breakLength = rest[lineBreak] == '\r' && lineBreak + 1 < rest.Length && rest[lineBreak + 1] == '\n' ? 2 : 1;
            rest = rest[(lineBreak + breakLength)..];
        }
    }

    private static void WriteField(ArrayBufferWriter<byte> buffer, ReadOnlySpan<byte> name, ReadOnlySpan<char> value)
    {
        buffer.Write(name);
        var span = buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(value.Length) + 1);
        var written = Encoding.UTF8.GetBytes(value, span);
        span[written] = (byte)'\n';
        buffer.Advance(written + 1);
    }
}
