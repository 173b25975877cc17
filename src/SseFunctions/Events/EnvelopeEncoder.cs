using System.Buffers;
using System.Text;
using System.Text.Json;

namespace SseFunctions.Events;

/// <summary>
/// Writes Flask-SSE envelopes. Only <c>data</c>, <c>type</c>, <c>id</c> and <c>retry</c> are ever written, because
/// Flask-SSE builds <c>Message(**envelope)</c> and fails on any other key.
/// </summary>
internal static class EnvelopeEncoder
{
    /// <summary>
    /// Encodes an envelope without its closing brace, so that the history script can append the id it assigns.
    /// </summary>
    public static byte[] EncodeOpen(object? data, string? type, int? retry, JsonSerializerOptions jsonOptions) =>
        Encode(data, type, id: null, retry, jsonOptions, close: false);

    public static byte[] EncodeClosed(object? data, string? type, string? id, int? retry, JsonSerializerOptions jsonOptions) =>
        Encode(data, type, id, retry, jsonOptions, close: true);

    /// <summary>
    /// Appends <c>,"id":"…"}</c> to an open envelope, with the id's dash marked as the package's
    /// (<see cref="EventPosition.JsonMarkedDash"/>): what the history script does in Lua.
    /// </summary>
    public static byte[] Close(byte[] openEnvelope, EventPosition position)
    {
        var closing = Encoding.UTF8.GetBytes($",\"id\":\"{position.ToMarkedJson()}\"}}");
        var envelope = new byte[openEnvelope.Length + closing.Length];
        openEnvelope.CopyTo(envelope, 0);
        closing.CopyTo(envelope, openEnvelope.Length);
        return envelope;
    }

    private static byte[] Encode(object? data, string? type, string? id, int? retry, JsonSerializerOptions jsonOptions, bool close)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = jsonOptions.Encoder }))
        {
            json.WriteStartObject();
            json.WritePropertyName("data"u8);
            if (data is string text)
            {
                json.WriteStringValue(text);
            }
            else
            {
                JsonSerializer.Serialize(json, data, data?.GetType() ?? typeof(object), jsonOptions);
            }

            if (type is not null)
            {
                json.WriteString("type"u8, type);
            }

            if (id is not null)
            {
                json.WriteString("id"u8, id);
            }

            if (retry is not null)
            {
                json.WriteNumber("retry"u8, retry.Value);
            }

            if (close)
            {
                json.WriteEndObject();
            }
        }

        return buffer.WrittenSpan.ToArray();
    }
}
