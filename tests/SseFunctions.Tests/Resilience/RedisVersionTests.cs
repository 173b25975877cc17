using SseFunctions.Brokers;

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
}
