using System.Net;
using StackExchange.Redis;

namespace SseFunctions.Brokers;

/// <summary>
/// Makes an acknowledged publish outlive its primary: on a Redis Cluster whose shard holding the history has a
/// replica, a publish is acknowledged only once that replica has it too (Redis's <c>WAIT 1</c>; never <c>WAIT 1 0</c>, which blocks for good). Replication is
/// asynchronous otherwise, and a primary killed right after answering takes the event with it.
/// </summary>
/// <remarks>
/// The cluster's own view of which replicas are connected is what StackExchange.Redis last read of it; a replica that
/// dropped since makes publishes fail as "may still be published" until the view is refreshed, never succeed unsafely.
/// A single Redis and Azure Managed Redis's Enterprise-policy proxy look standalone: nothing is waited for there.
/// </remarks>
internal static class ReplicaConfirmation
{
    /// <summary>
    /// Null when the write is confirmed or there is no replica to wait for; else why it is not confirmed. Waits at most
    /// <paramref name="wait"/> (what is left of the publish's deadline), and names <paramref name="limit"/>, the
    /// timeout the caller configured, in the reason.
    /// </summary>
    public static async Task<string?> WaitAsync(IConnectionMultiplexer connection, RedisKey key, TimeSpan wait, TimeSpan limit)
    {
        var shard = connection.GetServers()
            .FirstOrDefault(server => server.IsConnected && server.ServerType == ServerType.Cluster)?
            .ClusterConfiguration?
            .GetBySlot(key);
        if (shard?.EndPoint is null || !shard.Children.Any(replica => replica.IsConnected))
        {
            return null;
        }

        var primary = shard.EndPoint is DnsEndPoint dns ? $"{dns.Host}:{dns.Port}" : shard.EndPoint.ToString();
        try
        {
            var replicas = (long)await connection.GetServer(shard.EndPoint)
                .ExecuteAsync("WAIT", 1, (long)Math.Max(1, wait.TotalMilliseconds))
                .ConfigureAwait(false);
            return replicas > 0 ? null : $"no replica of {primary} confirmed it within {limit.TotalSeconds:0.###} s";
        }
        catch (RedisServerException exception)
        {
            // The view is older than a failover: that node is a replica now (the script itself followed MOVED).
            return $"{primary} could not say whether a replica has it ({exception.Message.Split(' ')[0]})";
        }
    }
}
