using System.Globalization;
using System.Text;
using SseFunctions.Events;

namespace SseFunctions.Framing;

/// <summary>
/// Encodes events as WHATWG <c>text/event-stream</c> blocks in UTF-8 without a byte-order mark: <c>event:</c>, one
/// <c>data:</c> line per line of data (split on CRLF, CR and LF), <c>id:</c>, <c>retry:</c>, then a blank line.
/// </summary>
/// <remarks>
/// A frame is measured first and then written into an array of exactly its size: one allocation per event, which all
/// of a channel's streams share.
/// </remarks>
internal static class SseFrameEncoder
{
    /// <summary>
    /// Decodes a message from the broker and frames it: the one way a message becomes a frame, live or from history.
    /// Refuses, with the reason, a message larger than <paramref name="maxEventSize"/> (which the package never
    /// publishes, so another program did) or one that is not a Flask-SSE event.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> payload, int maxEventSize, out SseFrame frame, out string problem)
    {
        frame = null!;
        if (payload.Length > maxEventSize)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"it is {payload.Length:N0} bytes, more than Sse:MaxEventSize ({maxEventSize:N0})");
            return false;
        }

        if (!EnvelopeDecoder.TryDecode(payload, out var envelope, out problem))
        {
            return false;
        }

        frame = Encode(envelope);
        return true;
    }

    public static SseFrame Encode(SseEnvelope envelope) =>
        new(EncodeBytes(envelope.Type, envelope.DataText, envelope.Id, envelope.Retry), envelope.Position);

    /// <summary>An event of the package's own (the opening of a stream, a resume signal): no id, so the browser's last id stays.</summary>
    public static byte[] EncodeControl(string type, string data, TimeSpan? retry) =>
        EncodeBytes(type, data, id: null, retry is null ? null : (long)retry.Value.TotalMilliseconds);

    private static byte[] EncodeBytes(string? type, string data, string? id, long? retry)
    {
        Span<char> retryText = stackalloc char[20];
        var retryLength = 0;
        if (retry is not null)
        {
            retry.Value.TryFormat(retryText, out retryLength, provider: CultureInfo.InvariantCulture);
        }

        var measure = new FrameWriter(Span<byte>.Empty);
        Write(ref measure, type, data, id, retryText[..retryLength]);
        var bytes = new byte[measure.Length];
        var writer = new FrameWriter(bytes);
        Write(ref writer, type, data, id, retryText[..retryLength]);
        return bytes;
    }

    private static void Write(ref FrameWriter writer, string? type, scoped ReadOnlySpan<char> data, string? id, scoped ReadOnlySpan<char> retry)
    {
        if (type is not null)
        {
            writer.Field("event: "u8, type);
        }

        // Always at least one data: line, so that an event with empty data still dispatches.
        while (true)
        {
            var lineBreak = data.IndexOfAny('\r', '\n');
            writer.Field("data: "u8, lineBreak < 0 ? data : data[..lineBreak]);
            if (lineBreak < 0)
            {
                break;
            }

            var breakLength = data[lineBreak] == '\r' && lineBreak + 1 < data.Length && data[lineBreak + 1] == '\n' ? 2 : 1;
            data = data[(lineBreak + breakLength)..];
        }

        if (id is not null)
        {
            writer.Field("id: "u8, id);
        }

        // A formatted number is never empty: empty means no retry.
        if (!retry.IsEmpty)
        {
            writer.Field("retry: "u8, retry);
        }

        writer.EndEvent();
    }

    /// <summary>Writes fields into a frame, or with no destination only counts the bytes they take.</summary>
    private ref struct FrameWriter(Span<byte> destination)
    {
        private readonly Span<byte> _destination = destination;

        public int Length { get; private set; }

        public void Field(scoped ReadOnlySpan<byte> name, scoped ReadOnlySpan<char> value)
        {
            if (_destination.IsEmpty)
            {
                Length += name.Length + Encoding.UTF8.GetByteCount(value) + 1;
                return;
            }

            name.CopyTo(_destination[Length..]);
            Length += name.Length;
            Length += Encoding.UTF8.GetBytes(value, _destination[Length..]);
            _destination[Length++] = (byte)'\n';
        }

        public void EndEvent()
        {
            if (!_destination.IsEmpty)
            {
                _destination[Length] = (byte)'\n';
            }

            Length++;
        }
    }
}
