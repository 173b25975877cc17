using SseFunctions.Brokers;
using StackExchange.Redis;

namespace SseFunctions.Tests.Resilience;

/// <summary>RESP3 on a client that does not subscribe again after a reconnect is named, with both ways out.</summary>
public sealed class RedisVersionTests
{
    [Theory]
    [InlineData("2.7.27.49176")]
    [InlineData("2.8.16.12345")]
    public void RESP3_on_a_client_that_does_not_subscribe_again_after_a_reconnect_is_named_with_both_ways_out(string clientVersion)
    {
        var problem = RedisSseBroker.Resp3Problem(RedisProtocol.Resp3, Version.Parse(clientVersion));

        Assert.NotNull(problem);
        Assert.Contains("protocol=resp2", problem, StringComparison.Ordinal);
        Assert.Contains("2.8.41", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(RedisProtocol.Resp2, "2.7.27.0")]
    [InlineData(RedisProtocol.Resp3, "2.8.41.0")]
    [InlineData(RedisProtocol.Resp3, "3.4.35.0")]
    public void RESP2_or_a_client_that_subscribes_again_is_fine(RedisProtocol protocol, string clientVersion) =>
        Assert.Null(RedisSseBroker.Resp3Problem(protocol, Version.Parse(clientVersion)));
}
