using SseFunctions.Brokers;

namespace SseFunctions.Tests.Brokers;

public sealed class RedisServerFactsTests
{
    [Fact]
    public void A_Redis_older_than_history_needs_is_named_with_the_setting_that_turns_history_off()
    {
        var facts = new RedisServerFacts(new Version(6, 2, 14), IsCluster: false, Primaries: 1);

        Assert.Equal(
            "Redis at cache:6379 is version 6.2.14, and history (Sse:HistoryEnabled, on by default) needs Redis 7.0 or later. " +
            "Upgrade Redis, or set Sse:HistoryEnabled to false (no Last-Event-ID resume then).",
            facts.HistoryProblem(historyEnabled: true, "cache:6379"));
        Assert.Null(facts.HistoryProblem(historyEnabled: false, "cache:6379"));
    }

    [Fact]
    public void Redis_7_serves_history_and_a_cluster_says_so()
    {
        var facts = new RedisServerFacts(new Version(7, 0, 15), IsCluster: true, Primaries: 3);

        Assert.Null(facts.HistoryProblem(historyEnabled: true, "node:7000"));
        Assert.Equal("Redis 7.0.15, a cluster of 3 primaries", facts.ToString());
    }
}
