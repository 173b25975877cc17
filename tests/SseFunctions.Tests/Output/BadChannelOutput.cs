namespace SseFunctions.Tests.Output;

public sealed class BadChannelOutput
{
    [SseOutput(Channel = "news\u0007")]
    public string? Value { get; init; }
}
