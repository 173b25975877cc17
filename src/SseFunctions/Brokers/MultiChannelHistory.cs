using SseFunctions.Events;

namespace SseFunctions.Brokers;

/// <summary>
/// Reads several channels' histories as one: every channel's events in position order, the worst gap, and only up to
/// the earliest point any of the reads was made at. An event past that point was published after a read began, so a
/// reader that subscribed before reading receives it live; sending it from history too could reorder it ahead of an
/// older event another channel's read did not see yet.
/// </summary>
internal static class MultiChannelHistory
{
    /// <summary>
    /// Reads one page: each channel after its own position, at most <paramref name="limit"/> each, all at once. A
    /// channel whose read stopped at the limit ends the page at its last event, since the others' events after it may
    /// come before that channel's next ones.
    /// </summary>
    public static async Task<HistoryPage<TKey>> ReadPageAsync<TKey>(
        ISseBroker broker,
        IEnumerable<(TKey Key, string Channel, EventPosition After)> reads,
        HistoryLimit limit,
        CancellationToken cancellationToken)
    {
        var results = await Task.WhenAll(reads.Select(async read =>
            (read.Key, Read: await broker.ReadHistoryAsync(read.Channel, read.After, limit, cancellationToken).ConfigureAwait(false))))
            .ConfigureAwait(false);

        var entries = new List<(TKey Key, HistoryEntry Entry)>();
        var gap = HistoryGap.None;
        EventPosition? last = null;
        foreach (var (key, read) in results)
        {
            last = last is { } earlier && earlier < read.Last ? earlier : read.Last;
            gap = read.Gap > gap ? read.Gap : gap;
            entries.AddRange(read.Entries.Select(entry => (key, entry)));
        }

        // A page that stopped at the limit may have more after it: nothing past its last entry is known yet for its channel.
        var through = last ?? EventPosition.Zero;
        foreach (var (_, read) in results)
        {
            if (read.More && read.Entries.Count > 0 && read.Entries[^1].Position < through)
            {
                through = read.Entries[^1].Position;
            }
        }

        entries.RemoveAll(item => item.Entry.Position > through);
        entries.Sort(static (left, right) => left.Entry.Position.CompareTo(right.Entry.Position));
        return new HistoryPage<TKey>(entries, gap, through, Complete: through == (last ?? EventPosition.Zero));
    }
}
