using System.Text.Json;

namespace SseFunctions.Publishing;

/// <summary>
/// A publish asked for over HTTP: a JSON object with Flask-SSE's <c>publish</c> arguments, <c>data</c> (any JSON value,
/// required), <c>type</c>, <c>id</c>, <c>retry</c> and <c>channel</c>. Only the shape is checked here; the values are
/// checked by the publisher, which has the same rules for every caller.
/// </summary>
internal sealed record PublishRequest(object? Data, string? Type, string? Id, int? Retry, string Channel)
{
    private const string Fields = "data, type, id, retry and channel";

    /// <summary>Reads a request body; <see langword="null"/> with the reason when it is not a publish.</summary>
    public static PublishRequest? Parse(ReadOnlyMemory<byte> body, out string? problem)
    {
        // A byte-order mark is valid at the start of a UTF-8 body, but not to the JSON reader.
        if (body.Span.StartsWith("\uFEFF"u8))
        {
            body = body[3..];
        }

        if (body.Span.Trim(" \t\r\n"u8).IsEmpty)
        {
            problem = "The body is empty; send a JSON object such as {\"data\": \"Hello!\", \"type\": \"greeting\"}.";
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return Read(document.RootElement, out problem);
        }
        catch (JsonException exception)
        {
            problem = $"The body is not valid JSON: {exception.Message}";
            return null;
        }
    }

    private static PublishRequest? Read(JsonElement root, out string? problem)
    {
        problem = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            problem = $"The body must be a JSON object with the fields {Fields}; it is a JSON {root.ValueKind.ToString().ToLowerInvariant()}.";
            return null;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var hasData = false;
        object? data = null;
        string? type = null, id = null, channel = null;
        int? retry = null;
        foreach (var field in root.EnumerateObject())
        {
            if (!seen.Add(field.Name))
            {
                problem = $"The field '{field.Name}' appears more than once.";
                return null;
            }

            var value = field.Value;
            switch (field.Name)
            {
                case "data":
                    hasData = true;
                    data = value.ValueKind switch
                    {
                        // A string is the event's text, sent verbatim, as Flask-SSE sends a str; anything else is sent as JSON.
                        JsonValueKind.String => value.GetString(),
                        JsonValueKind.Null => null,
                        _ => value.Clone(),
                    };
                    break;
                case "type":
                    problem = ReadString(value, field.Name, ref type);
                    break;
                case "id":
                    problem = ReadString(value, field.Name, ref id);
                    break;
                case "channel":
                    problem = ReadString(value, field.Name, ref channel);
                    break;
                case "retry":
                    if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var milliseconds))
                    {
                        retry = milliseconds;
                    }
                    else if (value.ValueKind != JsonValueKind.Null)
                    {
                        problem = "The field 'retry' must be a whole number of milliseconds.";
                    }

                    break;
                default:
                    problem = $"The body has an unknown field '{field.Name}'; a publish has the fields {Fields}.";
                    break;
            }

            if (problem is not null)
            {
                return null;
            }
        }

        if (!hasData)
        {
            problem = "The body has no 'data' field: it holds the event's data, a string or any other JSON value.";
            return null;
        }

        return new PublishRequest(data, type, id, retry, channel ?? SseOptions.DefaultChannel);
    }

    private static string? ReadString(JsonElement value, string name, ref string? target)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                target = value.GetString();
                return null;
            case JsonValueKind.Null:
                return null;
            default:
                return $"The field '{name}' must be a string.";
        }
    }
}
