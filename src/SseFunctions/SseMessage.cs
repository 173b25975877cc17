namespace SseFunctions;

/// <summary>
/// One server-sent event to publish: what <c>[SseOutput]</c> functions return when they want to set more than the data.
/// </summary>
/// <param name="Data">The event's data: a string is sent verbatim, any other value as JSON.</param>
/// <param name="Type">The SSE <c>event:</c> type, or <see langword="null"/> for a plain <c>message</c>.</param>
/// <param name="Id">The SSE <c>id:</c>; must be <see langword="null"/> while history is enabled, which assigns ids itself.</param>
/// <param name="Retry">The reconnection time hint, in milliseconds.</param>
/// <param name="Channel">The channel to publish on, or <see langword="null"/> for the one the attribute names.</param>
public sealed record SseMessage(object? Data, string? Type = null, string? Id = null, int? Retry = null, string? Channel = null);
