using SseFunctions.Events;

namespace SseFunctions.Brokers;

/// <summary>One page of several channels' histories read as one (<see cref="MultiChannelHistory"/>).</summary>
/// <param name="Entries">Every channel's events in the page, in position order.</param>
/// <param name="Gap">The worst gap any channel's read found.</param>
/// <param name="Through">
/// Every event of the channels up to this position is in the page, an earlier page or the gap: the next page reads
/// after it.
/// </param>
/// <param name="Complete">
/// No page follows: every later event was published after a read began, so a reader that subscribed before reading
/// receives it live.
/// </param>
internal sealed record HistoryPage<TKey>(List<(TKey Key, HistoryEntry Entry)> Entries, HistoryGap Gap, EventPosition Through, bool Complete);
