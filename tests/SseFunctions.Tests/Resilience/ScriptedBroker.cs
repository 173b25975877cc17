using System.Text;
using SseFunctions.Brokers;
using SseFunctions.Events;

namespace SseFunctions.Tests.Resilience;

/// <summary>
/// A broker the test drives by hand: it decides which events reach subscribers live, when the subscription is lost and
/// restored, and what reading history does, so that the hub's recovery can be put through exact interleavings.
/// </summary>
internal sealed class ScriptedBroker : ISseBroker
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<Action<byte[]>>> _handlers = new(StringComparer.Ordinal);
    private readonly List<(string Channel, HistoryEntry Entry)> _history = [];
    private readonly List<string> _reads = [];
    private EventPosition _last = EventPosition.Zero;

    public event Action? SubscriptionsLost;

    public event Action? SubscriptionsRestored;

    /// <summary>While set, reading history and the last position fail as if Redis were unreachable.</summary>
    public bool Unreachable { get; set; }

    /// <summary>When set, reading history fails with this, as a bug or a Redis error would.</summary>
    public Exception? ReadFailure { get; set; }

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

    public int SubscriberCount(string channel)
    {
        lock (_gate)
        {
            return _handlers.GetValueOrDefault(channel)?.Count ?? 0;
        }
    }

    public void LoseSubscriptions() => SubscriptionsLost?.Invoke();

    public void RestoreSubscriptions() => SubscriptionsRestored?.Invoke();

    /// <summary>Stores an event in history with the next position and, unless <paramref name="live"/> is false, delivers it.</summary>
    public EventPosition Publish(string channel, string data, bool live = true)
    {
        Action<byte[]>[] handlers;
        byte[] envelope;
        EventPosition position;
        lock (_gate)
        {
            position = _last = new EventPosition(_last.Milliseconds + 1000, 0);
            envelope = Encoding.UTF8.GetBytes($"{{\"data\":\"{data}\",\"id\":\"{position}\"}}");
            _history.Add((channel, new HistoryEntry(position, envelope)));
            handlers = live && _handlers.TryGetValue(channel, out var list) ? [.. list] : [];
        }

        foreach (var handler in handlers)
        {
            handler(envelope);
        }

        return position;
    }

    public Task<PublishReceipt> PublishAsync(string channel, byte[] envelope, bool appendToHistory, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Tests publish with Publish().");

    public Task SubscribeAsync(string channel, Action<byte[]> handler)
    {
        lock (_gate)
        {
            if (!_handlers.TryGetValue(channel, out var list))
            {
                _handlers[channel] = list = [];
            }

            list.Add(handler);
        }

        return Task.CompletedTask;
    }

    public Task UnsubscribeAsync(string channel, Action<byte[]> handler)
    {
        lock (_gate)
        {
            _handlers.GetValueOrDefault(channel)?.Remove(handler);
        }

        return Task.CompletedTask;
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
}
