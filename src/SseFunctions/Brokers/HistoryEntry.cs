using SseFunctions.Events;

namespace SseFunctions.Brokers;

/// <summary>One event of a channel's history: its position and its Flask-SSE envelope.</summary>
internal readonly record struct HistoryEntry(EventPosition Position, byte[] Envelope);
