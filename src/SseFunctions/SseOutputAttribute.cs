namespace SseFunctions;

/// <summary>
/// Publishes what a function returns as server-sent events. On a method, the return value is published; on a property of
/// a multi-output return type, that property's value is. A value may be an <see cref="SseMessage"/>, any other object
/// (sent as the event's data), or a collection of either (one event each). <see langword="null"/> publishes nothing.
/// </summary>
/// <remarks>
/// This is deliberately a plain attribute, not a Functions output binding: the host knows no <c>sse</c> binding, and the
/// SseFunctions worker middleware does the publishing inside the worker process.
/// </remarks>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class SseOutputAttribute : Attribute
{
    /// <summary>The channel to publish on. Defaults to Flask-SSE's <c>sse</c>.</summary>
    public string Channel { get; set; } = SseOptions.DefaultChannel;

    /// <summary>The SSE event type for values that are not an <see cref="SseMessage"/> with a type of its own.</summary>
    public string? Type { get; set; }
}
