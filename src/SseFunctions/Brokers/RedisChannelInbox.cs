using StackExchange.Redis;

namespace SseFunctions.Brokers;

/// <summary>
/// A channel's messages from StackExchange.Redis: its <see cref="ChannelMessageQueue"/> keeps them in arrival order,
/// and a handler subscribed beside it only rings the hub.
/// </summary>
/// <remarks>
/// StackExchange.Redis (2.x and 3.x) writes each message into the channel's queues on the thread reading the socket,
/// in arrival order, and only then runs the channel's handlers, concurrently, on the thread pool: so a message is in
/// its queue before the ring, and one taken from a queue was preceded by every earlier message in the others.
/// </remarks>
internal sealed class RedisChannelInbox(string channel, ChannelMessageQueue queue, Action<RedisChannel, RedisValue> ring) : IChannelInbox
{
    public string Channel { get; } = channel;

    public ChannelMessageQueue Queue { get; } = queue;

    /// <summary>The handler that rings; unsubscribing removes exactly it.</summary>
    public Action<RedisChannel, RedisValue> Ring { get; } = ring;

    public bool TryRead(out byte[] payload)
    {
        if (Queue.TryRead(out var message))
        {
            payload = (byte[])message.Message!;
            return true;
        }

        payload = null!;
        return false;
    }
}
