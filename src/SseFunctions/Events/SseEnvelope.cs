namespace SseFunctions.Events;

/// <summary>
/// An event as it travels through Redis, in Flask-SSE's format: <c>{"data": …, "type": …, "id": …, "retry": …}</c>.
/// <c>DataText</c> is already what the <c>data:</c> lines carry: a JSON string's text, or any other JSON value as
/// written; <c>Position</c> is the id's history position, only when the package wrote the id (<see cref="EventPosition"/>).
/// </summary>
internal sealed record SseEnvelope(string DataText, string? Type, string? Id, long? Retry, EventPosition? Position = null);
