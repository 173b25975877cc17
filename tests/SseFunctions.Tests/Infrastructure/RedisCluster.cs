using System.Globalization;

namespace SseFunctions.Tests.Infrastructure;

/// <summary>
/// A real Redis Cluster of the test's own: three primaries with a replica each, six <c>redis-server</c> processes on
/// free loopback ports with their cluster files in a temporary folder, built by <c>redis-cli --cluster create</c>.
/// Every wait is for what the nodes themselves report, within a bound.
/// </summary>
public sealed class RedisCluster : IAsyncDisposable
{
    // Small, so a killed primary is replaced within seconds, yet not so small that a loaded machine fails nodes over.
    private const int NodeTimeoutMilliseconds = 2000;
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(60);

    private readonly DirectoryInfo _directory;
    private readonly List<RedisServer> _nodes;
    private readonly HashSet<int> _killed = [];

    private RedisCluster(DirectoryInfo directory, List<RedisServer> nodes)
    {
        _directory = directory;
        _nodes = nodes;
    }

    /// <summary>Every node started, killed ones included.</summary>
    public IReadOnlyList<RedisServer> Nodes => _nodes;

    public static async Task<RedisCluster> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("sse-cluster-");
        var cluster = new RedisCluster(directory, []);
        try
        {
            for (var i = 0; i < 6; i++)
            {
                cluster._nodes.Add(await RedisServer.StartAsync(port =>
                [
                    "--cluster-enabled", "yes",
                    "--cluster-config-file", $"nodes-{port}.conf",
                    "--cluster-node-timeout", NodeTimeoutMilliseconds.ToString(CultureInfo.InvariantCulture),
                    "--dir", directory.FullName,

                    // A replica may take over however long it was apart; full syncs go over the socket at once.
                    "--cluster-replica-validity-factor", "0",
                    "--repl-diskless-sync", "yes",
                    "--repl-diskless-sync-delay", "0",

                    // DEBUG SLEEP plays a replica that falls behind.
                    "--enable-debug-command", "local",
                ]));
            }

            await RedisCli.RunAsync(
                ["--cluster", "create", .. cluster._nodes.Select(node => $"127.0.0.1:{node.Port}"), "--cluster-replicas", "1", "--cluster-yes"]);
            await cluster.WaitUntilSettledAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>The slot Redis hashes a key (or a channel name) to.</summary>
    public async Task<int> SlotOfAsync(string key) =>
        int.Parse((await RedisCli.RunAsync(LiveNodes.First().Port, "CLUSTER", "KEYSLOT", key)).Trim(), CultureInfo.InvariantCulture);

    /// <summary>The primary that owns the slot of <paramref name="key"/> now.</summary>
    public async Task<RedisServer> PrimaryOfAsync(string key)
    {
        var slot = await SlotOfAsync(key);
        var owner = (await TopologyAsync()).Single(node => node.IsPrimary && !node.IsFailing && node.Owns(slot));
        return Node(owner.Port);
    }

    /// <summary>The primaries, as the cluster sees them now.</summary>
    public async Task<IReadOnlyList<RedisServer>> PrimariesAsync() =>
        [.. (await TopologyAsync()).Where(node => node.IsPrimary && !node.IsFailing && node.Slots.Count > 0).Select(node => Node(node.Port))];

    /// <summary>The replica of <paramref name="primary"/>.</summary>
    public async Task<RedisServer> ReplicaOfAsync(RedisServer primary)
    {
        var topology = await TopologyAsync();
        var id = topology.Single(node => node.Port == primary.Port).Id;
        return Node(topology.Single(node => node.PrimaryId == id && !node.IsFailing).Port);
    }

    /// <summary><c>CLUSTER FAILOVER</c> on a replica: it and its primary swap roles without losing a write.</summary>
    public async Task FailOverToAsync(RedisServer replica)
    {
        await RedisCli.RunAsync(replica.Port, "CLUSTER", "FAILOVER");
        await WaitUntilAsync(async () => (await TopologyAsync()).Single(node => node.Port == replica.Port).IsPrimary, $"node {replica.Port} becomes a primary");
        await WaitUntilSettledAsync();
    }

    /// <summary>Kills a primary, as a crash would, and waits until its replica has taken over its slots.</summary>
    public async Task KillPrimaryAsync(RedisServer primary)
    {
        var replica = await ReplicaOfAsync(primary);
        _killed.Add(primary.Port);
        await primary.KillAsync();
        await WaitUntilAsync(async () => (await TopologyAsync()).Single(node => node.Port == replica.Port).IsPrimary, $"replica {replica.Port} takes over from {primary.Port}");
        await WaitUntilSettledAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        _directory.Delete(recursive: true);
    }

    private IEnumerable<RedisServer> LiveNodes => _nodes.Where(node => !_killed.Contains(node.Port));

    private RedisServer Node(int port) => _nodes.Single(node => node.Port == port);

    private async Task<IReadOnlyList<ClusterNode>> TopologyAsync() =>
        ClusterNode.ParseAll(await RedisCli.RunAsync(LiveNodes.First().Port, "CLUSTER", "NODES"));

    /// <summary>
    /// Every live node says the cluster is ok, sees every slot served, and every replica of a live primary is in sync
    /// with it, so that the next failover can happen.
    /// </summary>
    private async Task WaitUntilSettledAsync() => await WaitUntilAsync(
        async () =>
        {
            foreach (var node in LiveNodes)
            {
                var info = await RedisCli.RunAsync(node.Port, "CLUSTER", "INFO");
                if (RedisCli.Field(info, "cluster_state") != "ok" || RedisCli.Field(info, "cluster_slots_ok") != "16384")
                {
                    return false;
                }

                // Its view of who replicates whom has caught up: three primaries, every other live node a replica.
                var view = ClusterNode.ParseAll(await RedisCli.RunAsync(node.Port, "CLUSTER", "NODES"))
                    .Where(other => !other.IsFailing && !_killed.Contains(other.Port))
                    .ToList();
                if (view.Count != LiveNodes.Count()
                    || view.Count(other => other.IsPrimary && other.Slots.Count > 0) != 3
                    || view.Count(other => other.PrimaryId is not null) != view.Count - 3)
                {
                    return false;
                }

                var replication = await RedisCli.RunAsync(node.Port, "INFO", "replication");
                var primaryPort = RedisCli.Field(replication, "master_port");
                if (RedisCli.Field(replication, "role") == "slave"
                    && !_killed.Contains(int.Parse(primaryPort!, CultureInfo.InvariantCulture))
                    && RedisCli.Field(replication, "master_link_status") != "up")
                {
                    return false;
                }
            }

            return true;
        },
        "the cluster settles (cluster_state:ok on every node, replicas in sync)");

    private static Task WaitUntilAsync(Func<Task<bool>> condition, string what) => Eventually.TrueAsync(condition, what, SettleTimeout);
}
