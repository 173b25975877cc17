namespace SseFunctions.Tests.Output;

/// <summary>A multi-output return type: one property for the HTTP response, two published.</summary>
public sealed class GreetingOutput
{
    /// <summary>Stands in for the <c>[HttpResult]</c> property, which the SDK's bindings handle.</summary>
    public string? Response { get; init; }

    [SseOutput(Type = "greeting")]
    public object? Greeting { get; init; }

    [SseOutput(Channel = "audit")]
    public IEnumerable<SseMessage>? Audit { get; init; }
}
