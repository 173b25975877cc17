namespace SseFunctions.Brokers;

/// <summary>The result of reading a channel's history after a position.</summary>
internal sealed record HistoryRead(IReadOnlyList<HistoryEntry> Entries, HistoryGap Gap);
