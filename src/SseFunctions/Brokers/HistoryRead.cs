using SseFunctions.Events;

namespace SseFunctions.Brokers;

/// <summary>The result of reading a channel's history after a position.</summary>
/// <param name="Entries">The retained events after the position, oldest first.</param>
/// <param name="Gap">Whether any event after the position may be missing from <paramref name="Entries"/>.</param>
/// <param name="Last">
/// The last position assigned on any channel when the read was made: every event of the channel up to it is in the
/// read (or in the gap), and any later one was published after the read.
/// </param>
/// <param name="More">
/// The read stopped at its <see cref="HistoryLimit"/>: more retained events follow the last of <paramref name="Entries"/>.
/// </param>
internal sealed record HistoryRead(IReadOnlyList<HistoryEntry> Entries, HistoryGap Gap, EventPosition Last, bool More = false);
