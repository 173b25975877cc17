using SseFunctions.Events;

namespace SseFunctions.Streaming;

/// <summary>
/// One channel this process listens to, and the streams listening to it. The listener array is replaced, never
/// changed, so the fan-out reads it without a lock.
/// </summary>
internal sealed class ChannelSubscription(string channel)
{
    private StreamQueue[] _listeners = [];

    public string Channel { get; } = channel;

    public StreamQueue[] Listeners => Volatile.Read(ref _listeners);

    /// <summary>The broker's handler for this subscription; unsubscribing removes exactly it.</summary>
    public Action<byte[]> Handler { get; set; } = static _ => { };

    /// <summary>Completes when the broker confirmed the subscription (and its baseline is known).</summary>
    public Task Ready { get; set; } = Task.CompletedTask;

    /// <summary>
    /// The last position assigned anywhere when this subscription became live: what recovery must not reach behind.
    /// Null when Redis could not tell (it was away).
    /// </summary>
    public EventPosition? Baseline { get; set; }

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
