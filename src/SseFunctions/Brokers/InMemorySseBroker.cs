using SseFunctions.Events;

namespace SseFunctions.Brokers;

/// <summary>
/// A broker inside one process, for Development without Redis: the same positions, history, trimming and gap
/// detection as the Redis broker, so behaviour does not change when Redis is added.
/// </summary>
internal sealed class InMemorySseBroker(SseOptions options, TimeProvider timeProvider) : ISseBroker
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<Inbox>> _inboxes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ChannelHistory> _histories = new(StringComparer.Ordinal);
    private EventPosition _lastPosition = EventPosition.Zero;

    // The first position this broker assigned: one before it comes from another process (or an earlier run of this one).
    private EventPosition _firstPosition = EventPosition.Zero;

    // An in-process broker never loses its subscriptions, so nobody needs to be told.
    public event Action? ConnectionChanged
    {
        add { }
        remove { }
    }

    public long ConnectionGeneration => 0;

    public Task<PublishReceipt> PublishAsync(string channel, byte[] envelope, bool appendToHistory, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            string? assignedId = null;
            if (appendToHistory)
            {
                var now = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
                _lastPosition = now > _lastPosition.Milliseconds
                    ? new EventPosition(now, 0)
                    : _lastPosition with { Sequence = _lastPosition.Sequence + 1 };
                if (_firstPosition == EventPosition.Zero)
                {
                    _firstPosition = _lastPosition;
                }

                assignedId = _lastPosition.ToString();
                envelope = EnvelopeEncoder.Close(envelope, _lastPosition);
                HistoryOf(channel).Append(new HistoryEntry(_lastPosition, envelope), now, options);
            }

            // Queued under the lock, as Redis publishes inside its script: concurrent publishers then reach
            // subscribers in position order. The rings only take what is queued, never block.
            var inboxes = _inboxes.TryGetValue(channel, out var list) ? list.ToArray() : [];
            foreach (var inbox in inboxes)
            {
                inbox.Messages.Enqueue(envelope);
            }

            foreach (var inbox in inboxes)
            {
                inbox.Arrived();
            }

            return Task.FromResult(new PublishReceipt(inboxes.Length, assignedId));
        }
    }

    public Task<IChannelInbox> SubscribeAsync(string channel, Action arrived)
    {
        var inbox = new Inbox(channel, arrived);
        lock (_gate)
        {
            if (!_inboxes.TryGetValue(channel, out var list))
            {
                _inboxes[channel] = list = [];
            }

            list.Add(inbox);
        }

        return Task.FromResult<IChannelInbox>(inbox);
    }

    public Task UnsubscribeAsync(IChannelInbox inbox)
    {
        lock (_gate)
        {
            if (_inboxes.TryGetValue(inbox.Channel, out var list) && list.Remove((Inbox)inbox) && list.Count == 0)
            {
                _inboxes.Remove(inbox.Channel);
            }
        }

        return Task.CompletedTask;
    }

    public Task<bool> WaitUntilSubscriptionsLiveAsync(TimeSpan timeout) => Task.FromResult(true);

    public Task<HistoryRead> ReadHistoryAsync(string channel, EventPosition after, HistoryLimit limit, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (after > _lastPosition)
            {
                return Task.FromResult(new HistoryRead([], HistoryGap.Unknown, _lastPosition));
            }

            // Before the first position assigned here: from another process, or from before this one restarted.
            var unknown = after < _firstPosition;
            if (!_histories.TryGetValue(channel, out var history))
            {
                return Task.FromResult(new HistoryRead([], unknown ? HistoryGap.Unknown : HistoryGap.None, _lastPosition));
            }

            history.Trim(timeProvider.GetUtcNow().ToUnixTimeMilliseconds(), options);
            var read = history.ReadAfter(after, limit, _lastPosition);
            return Task.FromResult(unknown ? read with { Gap = HistoryGap.Unknown } : read);
        }
    }

    public Task<EventPosition> GetLastPositionAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_lastPosition);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private ChannelHistory HistoryOf(string channel)
    {
        if (!_histories.TryGetValue(channel, out var history))
        {
            _histories[channel] = history = new ChannelHistory();
        }

        return history;
    }

    /// <summary>One channel's events, and the newest position ever trimmed, which tells a reader it missed events.</summary>
    private sealed class ChannelHistory
    {
        private readonly Queue<(HistoryEntry Entry, long AddedAt)> _entries = new();
        private EventPosition _maxDeleted = EventPosition.Zero;

        public void Append(HistoryEntry entry, long now, SseOptions options)
        {
            _entries.Enqueue((entry, now));
            Trim(now, options);
        }

        public void Trim(long now, SseOptions options)
        {
            var oldestKept = now - (long)options.HistoryMaxAge.TotalMilliseconds;
            while (_entries.Count > 0 && (_entries.Count > options.HistoryMaxLength || _entries.Peek().AddedAt < oldestKept))
            {
                _maxDeleted = _entries.Dequeue().Entry.Position;
            }
        }

        public HistoryRead ReadAfter(EventPosition after, HistoryLimit limit, EventPosition last)
        {
            var entries = new List<HistoryEntry>();
            var bytes = 0L;
            var more = false;
            foreach (var (entry, _) in _entries)
            {
                if (entry.Position <= after)
                {
                    continue;
                }

                if (entries.Count > 0 && (entries.Count == limit.Events || bytes + entry.Envelope.Length > limit.Bytes))
                {
                    more = true;
                    break;
                }

                entries.Add(entry);
                bytes += entry.Envelope.Length;
            }

            return new HistoryRead(entries, _maxDeleted > after ? HistoryGap.Expired : HistoryGap.None, last, more);
        }
    }

    /// <summary>A subscription's messages, in publish order.</summary>
    private sealed class Inbox(string channel, Action arrived) : IChannelInbox
    {
        public string Channel { get; } = channel;

        public Action Arrived { get; } = arrived;

        public System.Collections.Concurrent.ConcurrentQueue<byte[]> Messages { get; } = new();

        public bool TryRead(out byte[] payload) => Messages.TryDequeue(out payload!);
    }
}
