namespace SseFunctions.Streaming;

/// <summary>The data of the <c>sse-missed</c> event: what the client resumed from, and why not everything after it came.</summary>
internal sealed record MissedSignal(string LastEventId, string Reason);
