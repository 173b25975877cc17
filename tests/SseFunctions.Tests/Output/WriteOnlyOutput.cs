namespace SseFunctions.Tests.Output;

public sealed class WriteOnlyOutput
{
    [SseOutput]
    public string? Value { private get; set; }
}
