using System.Text;
using SseFunctions.Brokers;
using SseFunctions.Events;

namespace SseFunctions.Tests.Resilience;

/// <summary>
/// A broker the test drives by hand: it decides which events reach subscribers live, when the connection is lost and
/// restored, and what reading history does, so that the hub's recovery can be put through exact interleavings.
/// </summary>
internal sealed class ScriptedBroker : ISseBroker
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<Inbox>> _inboxes = new(StringComparer.Ordinal);
    private readonly List<(string Channel, HistoryEntry Entry)> _history = [];
    private readonly List<string> _reads = [];
    private TaskCompletionSource<bool> _live = NewLive(live: true);
    private EventPosition _last = EventPosition.Zero;
    private long _generation;

    public event Action? ConnectionChanged;

    public long ConnectionGeneration => Interlocked.Read(ref _generation);

    /// <summary>While set, reading history and the last position fail as if Redis were unreachable.</summary>
    public bool Unreachable { get; set; }

    /// <summary>While set, subscribing fails as if Redis were unreachable.</summary>
    public bool SubscribeUnreachable { get; set; }

    /// <summary>When set, reading history fails with this, as a bug or a Redis error would.</summary>
    public Exception? ReadFailure { get; set; }

    /// <summary>When set, waiting for the subscriptions gives up at once, as after a restore that never came.</summary>
    public bool NeverLive { get; set; }

    /// <summary>Runs before each history read, after the caller asked: for publishing in the middle of a recovery.</summary>
    public Action<string>? BeforeRead { get; set; }

    /// <summary>The channels whose history was read, in order.</summary>
    public IReadOnlyList<string> Reads
    {
        get
        {
            lock (_gate)
            {
                return [.. _reads];
            }
        }
    }

    /// <summary>Subscriptions of the channel that the hub has started taking from: from then on it receives what is published.</summary>
    public int SubscriberCount(string channel)
    {
        lock (_gate)
        {
            return _inboxes.GetValueOrDefault(channel)?.Count(inbox => inbox.Taken) ?? 0;
        }
    }

    /// <summary>The connection is replaced: what arrives from now on comes on a new one, after a gap.</summary>
    public void LoseSubscriptions()
    {
        lock (_gate)
        {
            if (_live.Task.IsCompleted)
            {
                _live = NewLive(live: false);
            }
        }

        Interlocked.Increment(ref _generation);
        ConnectionChanged?.Invoke();
    }

    /// <summary>Every channel is live again.</summary>
    public void RestoreSubscriptions()
    {
        TaskCompletionSource<bool> live;
        lock (_gate)
        {
            live = _live;
        }

        // On this thread, so that the recovery has made its first attempt when this returns.
        live.TrySetResult(true);
        ConnectionChanged?.Invoke();
    }

    /// <summary>Stores an event in history with the next position and, unless <paramref name="live"/> is false, delivers it.</summary>
    public EventPosition Publish(string channel, string data, bool live = true)
    {
        Inbox[] inboxes;
        EventPosition position;
        lock (_gate)
        {
            position = _last = new EventPosition(_last.Milliseconds + 1000, 0);
            var envelope = EnvelopeEncoder.Close(Encoding.UTF8.GetBytes($"{{\"data\":\"{data}\""), position);
            _history.Add((channel, new HistoryEntry(position, envelope)));
            inboxes = live && _inboxes.TryGetValue(channel, out var list) ? [.. list] : [];
            foreach (var inbox in inboxes)
            {
                inbox.Messages.Enqueue(envelope);
            }
        }

        foreach (var inbox in inboxes)
        {
            inbox.Arrived();
        }

        return position;
    }

    /// <summary>Delivers a message live as another program would publish it, bypassing history.</summary>
    public void PublishRaw(string channel, string payload) => Deliver(channel, Encoding.UTF8.GetBytes(payload));

    /// <summary>
    /// Delivers an event published with <c>live: false</c> now, as a cluster node's connection that lags behind
    /// another's would, after later positions of other channels.
    /// </summary>
    public void DeliverLate(string channel, EventPosition position)
    {
        byte[] envelope;
        lock (_gate)
        {
            envelope = _history.Single(item => item.Channel == channel && item.Entry.Position == position).Entry.Envelope;
        }

        Deliver(channel, envelope);
    }

    private void Deliver(string channel, byte[] payload)
    {
        Inbox[] inboxes;
        lock (_gate)
        {
            inboxes = _inboxes.TryGetValue(channel, out var list) ? [.. list] : [];
            foreach (var inbox in inboxes)
            {
                inbox.Messages.Enqueue(payload);
            }
        }

        foreach (var inbox in inboxes)
        {
            inbox.Arrived();
        }
    }

    public Task<PublishReceipt> PublishAsync(string channel, byte[] envelope, bool appendToHistory, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Tests publish with Publish().");

    public Task<IChannelInbox> SubscribeAsync(string channel, Action arrived)
    {
        if (SubscribeUnreachable)
        {
            return Task.FromException<IChannelInbox>(new SseBrokerUnavailableException("Scripted: unreachable."));
        }

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
            _inboxes.GetValueOrDefault(inbox.Channel)?.Remove((Inbox)inbox);
        }

        return Task.CompletedTask;
    }

    public async Task<bool> WaitUntilSubscriptionsLiveAsync(TimeSpan timeout)
    {
        if (NeverLive)
        {
            return false;
        }

        Task<bool> live;
        lock (_gate)
        {
            live = _live.Task;
        }

        try
        {
            return await live.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public Task<HistoryRead> ReadHistoryAsync(string channel, EventPosition after, HistoryLimit limit, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _reads.Add(channel);
        }

        BeforeRead?.Invoke(channel);
        if (ReadFailure is { } failure)
        {
            return Task.FromException<HistoryRead>(failure);
        }

        if (Unreachable)
        {
            return Task.FromException<HistoryRead>(new SseBrokerUnavailableException("Scripted: unreachable."));
        }

        lock (_gate)
        {
            var retained = _history.Where(item => item.Channel == channel && item.Entry.Position > after).Select(item => item.Entry).ToList();
            var entries = new List<HistoryEntry>();
            var bytes = 0L;
            foreach (var entry in retained)
            {
                if (entries.Count > 0 && (entries.Count == limit.Events || bytes + entry.Envelope.Length > limit.Bytes))
                {
                    break;
                }

                entries.Add(entry);
                bytes += entry.Envelope.Length;
            }

            return Task.FromResult(new HistoryRead(entries, HistoryGap.None, _last, More: entries.Count < retained.Count));
        }
    }

    public Task<EventPosition> GetLastPositionAsync(CancellationToken cancellationToken)
    {
        if (Unreachable)
        {
            return Task.FromException<EventPosition>(new SseBrokerUnavailableException("Scripted: unreachable."));
        }

        lock (_gate)
        {
            return Task.FromResult(_last);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static TaskCompletionSource<bool> NewLive(bool live)
    {
        var source = new TaskCompletionSource<bool>();
        if (live)
        {
            source.SetResult(true);
        }

        return source;
    }

    private sealed class Inbox(string channel, Action arrived) : IChannelInbox
    {
        public string Channel { get; } = channel;

        public Action Arrived { get; } = arrived;

        public System.Collections.Concurrent.ConcurrentQueue<byte[]> Messages { get; } = new();

        public bool Taken { get; private set; }

        public bool TryRead(out byte[] payload)
        {
            Taken = true;
            return Messages.TryDequeue(out payload!);
        }
    }
}
