namespace SseFunctions.Events;

/// <summary>
/// An event as it travels through Redis, in Flask-SSE's format: <c>{"data": …, "type": …, "id": …, "retry": …}</c>.
/// <see cref="DataText"/> is already what the <c>data:</c> lines carry: a JSON string's text, or any other JSON value as written.
/// </summary>
internal sealed record SseEnvelope(string DataText, string? Type, string? Id, long? Retry);
