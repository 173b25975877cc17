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
    /// Reads each channel after its own position, all at once, at most <paramref name="maxCountPerChannel"/> events
    /// each; <typeparamref name="TKey"/> tags where each entry came from. <c>Complete</c> is false when a channel had
    /// more: the entries then end where that channel's page ended, and the caller reads on after the last one.
    /// </summary>
    public static async Task<(List<(TKey Key, HistoryEntry Entry)> Entries, HistoryGap Gap, bool Complete)> ReadAsync<TKey>(
        ISseBroker broker,
        IEnumerable<(TKey Key, string Channel, EventPosition After)> reads,
        CancellationToken cancellationToken,
        int maxCountPerChannel = int.MaxValue)
    {
        var results = await Task.WhenAll(reads.Select(async read =>
            (read.Key, Read: await broker.ReadHistoryAsync(read.Channel, read.After, maxCountPerChannel, cancellationToken).ConfigureAwait(false))))
            .ConfigureAwait(false);

        var entries = new List<(TKey Key, HistoryEntry Entry)>();
        var gap = HistoryGap.None;
        var complete = true;
        EventPosition? cut = null;
        foreach (var (key, read) in results)
        {
            // A full page may have more after it: nothing past its last entry is known yet for this channel.
            var full = read.Entries.Count >= maxCountPerChannel;
            complete &= !full;
            var end = full ? read.Entries[^1].Position : read.Last;
            cut = cut is { } earlier && earlier < end ? earlier : end;
            gap = read.Gap > gap ? read.Gap : gap;
            entries.AddRange(read.Entries.Select(entry => (key, entry)));
        }

        entries.RemoveAll(item => item.Entry.Position > cut);
        entries.Sort(static (left, right) => left.Entry.Position.CompareTo(right.Entry.Position));
        return (entries, gap, complete);
    }
}
