namespace SseFunctions.Tests.Resilience;

/// <summary>One publish a test tried: its event's data is <see cref="Label"/>, unique to the attempt.</summary>
public sealed record PublishAttempt(string Label, string Channel, string Publisher, int Sequence, bool Acknowledged);
