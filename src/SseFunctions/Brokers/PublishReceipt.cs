namespace SseFunctions.Brokers;

/// <summary>What a publish did: how many subscribers the broker counted, and the id it assigned, if any.</summary>
internal readonly record struct PublishReceipt(long Receivers, string? AssignedId);
