using StackExchange.Redis;

namespace SseFunctions.Brokers;

/// <summary>
/// The names of the package's Redis keys. Every one of them carries the hash tag <c>{prefix}</c>, so a cluster puts
/// them all in one hash slot: each script may touch the position counters and any channel's history, as Redis Cluster
/// and Azure Managed Redis (OSS and Enterprise clustering policies alike) demand of one script's keys.
/// </summary>
/// <remarks>
/// One slot is the price of one position counter for all channels, which is what orders events across the channels of
/// a stream: all history lives on the shard that owns the slot. Apps with different <see cref="SseOptions.KeyPrefix"/>
/// values land on different slots. Channels themselves are not keys: a classic PUBLISH reaches every node.
/// </remarks>
internal sealed class RedisKeyLayout
{
    private readonly string _tag;

    /// <param name="keyPrefix">Not empty and without braces (the options validator sees to it), so that the tag is exactly it.</param>
    public RedisKeyLayout(string keyPrefix)
    {
        _tag = "{" + keyPrefix + "}";
        LastPosition = _tag + "last-id";
        FirstPosition = _tag + "first-id";
    }

    /// <summary>The last position assigned, on any channel.</summary>
    public RedisKey LastPosition { get; }

    /// <summary>The first position this Redis data set assigned.</summary>
    public RedisKey FirstPosition { get; }

    /// <summary>The Redis Stream holding one channel's recent events.</summary>
    public RedisKey History(string channel) => _tag + "history:" + channel;
}
