using SseFunctions.Brokers;
using SseFunctions.Tests.Infrastructure;
using SseFunctions.Tests.Resilience;

namespace SseFunctions.Tests.Cluster;

/// <summary>
/// The primary that holds the history (and the subscription of one channel) fails over while streams are open and
/// another server keeps publishing: every acknowledged event arrives once, in order within its channel (channels of
/// different nodes arrive in no relative order), and no stream drops. Each test has
/// a cluster of its own.
/// </summary>
public sealed class ClusterFailoverTests
{
    [Fact]
    public Task A_replica_promoted_by_CLUSTER_FAILOVER_loses_and_duplicates_no_acknowledged_event() =>
        FailOverUnderLoadAsync(static async (cluster, primary) => await cluster.FailOverToAsync(await cluster.ReplicaOfAsync(primary)));

    [Fact]
    public Task A_killed_primary_loses_and_duplicates_no_acknowledged_event() =>
        FailOverUnderLoadAsync(static (cluster, primary) => cluster.KillPrimaryAsync(primary));

    private static async Task FailOverUnderLoadAsync(Func<RedisCluster, RedisServer, Task> failOver)
    {
        await using var cluster = await RedisCluster.StartAsync();
        var history = await cluster.PrimaryOfAsync(new RedisKeyLayout(new SseOptions().KeyPrefix).LastPosition!);
        var others = (await cluster.PrimariesAsync()).Where(primary => primary.Port != history.Port).ToList();

        // Channel a's subscription is on the failing primary too; b's is elsewhere. Each server is told a node that stays.
        var channels = await ClusterChannels.OwnedByAsync(cluster, [history, others[0]], "failover");
        await using var streams = await SseTestHost.StartAsync(others[0].Url, options => options.PublishTimeout = TimeSpan.FromSeconds(1), environment: "Production");
        await using var publishers = await SseTestHost.StartAsync(others[1].Url, options => options.PublishTimeout = TimeSpan.FromSeconds(1), environment: "Production");
        string[][] subscriptions = [[channels[0]], [channels[1]], channels];
        var sessions = await SessionChecks.OpenAsync(streams, subscriptions);

        var ledger = new PublishLedger();
        await using (var publisher = new BackgroundPublisher(ledger, publishers.Publisher, channels))
        {
            await publisher.WaitForMoreAcknowledgedAsync(20);
            await failOver(cluster, history);
            await publisher.WaitForMoreAcknowledgedAsync(20);
        }

        await SessionChecks.AssertEveryAcknowledgedOnceOnOneStreamAsync(ledger, publishers.Publisher, sessions, subscriptions, acrossChannels: false);
        foreach (var session in sessions)
        {
            await session.DisposeAsync();
        }
    }
}
