using SseFunctions.Brokers;
using StackExchange.Redis;

namespace SseFunctions.Tests.Resilience;

/// <summary>A Redis too old for history is a configuration error that says which version it found and how to fix it.</summary>
public sealed class RedisVersionTests
{
    [Theory]
    [InlineData("6.2.14")]
    [InlineData("5.0.7")]
    public void A_redis_older_than_7_is_named_with_its_version_and_the_setting_that_turns_history_off(string version)
    {
        var problem = RedisSseBroker.HistoryProblem(Version.Parse(version), "cache:6379");

        Assert.NotNull(problem);
        Assert.Contains($"version {version}", problem, StringComparison.Ordinal);
        Assert.Contains("Sse:HistoryEnabled", problem, StringComparison.Ordinal);
        Assert.Contains("7.0", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("7.0.15")]
    [InlineData("7.4.0")]
    [InlineData("8.2.1")]
    public void Redis_7_and_newer_serve_history(string version) =>
        Assert.Null(RedisSseBroker.HistoryProblem(Version.Parse(version), "cache:6379"));

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
