namespace SseFunctions.Tests.Output;

public sealed class UnmarkedOutput
{
    public string? Response { get; init; }

    public string? Message { get; init; }
}
