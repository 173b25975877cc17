using SseFunctions.Brokers;
using SseFunctions.Events;
using SseFunctions.Framing;

namespace SseFunctions.Streaming;

/// <summary>
/// One channel this process listens to, and the streams listening to it. The listener array is replaced, never
/// changed, so the fan-out reads it without a lock.
/// </summary>
internal sealed class ChannelSubscription(string channel)
{
    private StreamQueue[] _listeners = [];
    private IChannelInbox? _inbox;

    public string Channel { get; } = channel;

    public StreamQueue[] Listeners => Volatile.Read(ref _listeners);

    /// <summary>The broker's inbox of this channel once subscribed; null until then.</summary>
    public IChannelInbox? Inbox
    {
        get => Volatile.Read(ref _inbox);
        set => Volatile.Write(ref _inbox, value);
    }

    /// <summary>Set when the broker could not subscribe at first: the next recovery subscribes it. Changed under the hub's lock.</summary>
    public bool SubscribeDeferred { get; set; }

    /// <summary>Completes when the broker confirmed the subscription (and its baseline is known), or deferred it.</summary>
    public Task Ready { get; set; } = Task.CompletedTask;

    /// <summary>
    /// The last position assigned anywhere when this subscription became live: what recovery must not reach behind.
    /// Null when Redis could not tell (it was away).
    /// </summary>
    public EventPosition? Baseline { get; set; }

    /// <summary>
    /// The last position handed on to this channel's streams, live or from history; changed only under the hub's
    /// dispatch lock. A channel's messages come from one Redis connection, in position order, so anything not after it
    /// was handed on already, even where channels of other cluster nodes arrive in another order.
    /// </summary>
    public EventPosition LastDispatched { get; set; } = EventPosition.Zero;

    /// <summary>Frames taken from the inbox and not yet handed on, oldest first; only the hub's dispatch, under its lock, touches it.</summary>
    public Queue<SseFrame> Pending { get; } = new();

    /// <summary>Changed only under the hub's lock.</summary>
    public void Add(StreamQueue connection) => Volatile.Write(ref _listeners, [.. _listeners, connection]);

    /// <summary>Changed only under the hub's lock; returns how many listeners remain.</summary>
    public int Remove(StreamQueue connection)
    {
        var remaining = Array.FindAll(_listeners, listener => !ReferenceEquals(listener, connection));
        Volatile.Write(ref _listeners, remaining);
        return remaining.Length;
    }
}
