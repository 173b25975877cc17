using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SseFunctions.Events;

/// <summary>
/// Reads any Flask-SSE envelope: <c>data</c> of any JSON type, optional <c>type</c>, <c>id</c> and <c>retry</c>.
/// Keys Flask-SSE would not write are ignored; a payload that cannot be framed safely is refused with the reason.
/// The id is a position only when the package wrote it (<see cref="EventPosition.TryParseMarked"/>).
/// </summary>
internal static class EnvelopeDecoder
{
    public static bool TryDecode(ReadOnlySpan<byte> payload, out SseEnvelope envelope, out string problem)
    {
        envelope = null!;
        try
        {
            return TryDecodeCore(payload, out envelope, out problem);
        }
        catch (JsonException exception)
        {
            problem = $"it is not valid JSON ({exception.Message})";
            return false;
        }
        catch (InvalidOperationException)
        {
            // The reader does not check UTF-8 inside strings; decoding one that is not throws this, not a JsonException.
            problem = "it has a string that is not valid UTF-8";
            return false;
        }
    }

    private static bool TryDecodeCore(ReadOnlySpan<byte> payload, out SseEnvelope envelope, out string problem)
    {
        envelope = null!;
        var reader = new Utf8JsonReader(payload);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            problem = "it is not a JSON object";
            return false;
        }

        string? data = null;
        string? type = null;
        string? id = null;
        EventPosition? position = null;
        long? retry = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                data = ReadData(ref reader, payload);
            }
            else if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.Null))
                {
                    problem = "its 'type' is not a string";
                    return false;
                }

                type = reader.GetString();
            }
            else if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                if (!TryReadId(ref reader, out id))
                {
                    problem = "its 'id' is not a string or a number";
                    return false;
                }

                position = reader.TokenType == JsonTokenType.String && reader.ValueIsEscaped
                    && EventPosition.TryParseMarked(reader.ValueSpan, out var marked) ? marked : null;
            }
            else if (reader.ValueTextEquals("retry"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null)
                {
                    retry = null;
                }
                else if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var value))
                {
                    problem = "its 'retry' is not a whole number of milliseconds";
                    return false;
                }
                else
                {
                    retry = value;
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject)
        {
            problem = "it is not a JSON object";
            return false;
        }

        // The reader stops at the object's end; Python's json.loads, and so Flask-SSE, refuses anything after it.
        if (payload[(int)reader.BytesConsumed..].Trim(" \t\r\n"u8).Length > 0)
        {
            problem = "it is not valid JSON (there is more after the object)";
            return false;
        }

        if (data is null)
        {
            problem = "it has no 'data'";
            return false;
        }

        var fieldProblem = EventFieldValidator.TypeProblem(type) ?? EventFieldValidator.IdProblem(id) ?? EventFieldValidator.RetryProblem(retry);
        if (fieldProblem is not null)
        {
            problem = fieldProblem;
            return false;
        }

        envelope = new SseEnvelope(data, type, id, retry, position);
        problem = string.Empty;
        return true;
    }

    private static string ReadData(ref Utf8JsonReader reader, ReadOnlySpan<byte> payload)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString()!;
        }

        // Any other JSON value is sent as the publisher wrote it, as Flask-SSE sends json.dumps(data).
        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        var end = (int)reader.BytesConsumed;
        return Encoding.UTF8.GetString(payload[start..end]);
    }

    private static bool TryReadId(ref Utf8JsonReader reader, out string? text)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                text = null;
                return true;
            case JsonTokenType.String:
                text = reader.GetString();
                return true;
            case JsonTokenType.Number:
                // Python publishers pass ids as ints; Flask-SSE writes them as they are.
                text = reader.TryGetInt64(out var number)
                    ? number.ToString(CultureInfo.InvariantCulture)
                    : Encoding.UTF8.GetString(reader.ValueSpan);
                return true;
            default:
                text = null;
                return false;
        }
    }
}
