using StackExchange.Redis;

namespace SseFunctions.Brokers;

/// <summary>What the package needs to know of the Redis it reached: its version and whether it is a cluster.</summary>
internal sealed record RedisServerFacts(Version Version, bool IsCluster, int Primaries)
{
    /// <summary>History reads <c>max-deleted-entry-id</c> (Redis 7.0) and XRANGE's exclusive start (6.2).</summary>
    public static readonly Version HistoryNeeds = new(7, 0);

    /// <summary>The facts of the connected primaries, or null while none is connected.</summary>
    public static RedisServerFacts? Read(IConnectionMultiplexer connection)
    {
        var primaries = connection.GetServers().Where(server => server.IsConnected && !server.IsReplica).ToList();
        return primaries.Count == 0
            ? null
            : new RedisServerFacts(primaries.Min(server => server.Version)!, primaries[0].ServerType == ServerType.Cluster, primaries.Count);
    }

    /// <summary>A clear error when history is on and this Redis is too old for it; null when all is well.</summary>
    public string? HistoryProblem(bool historyEnabled, string endpoints) =>
        historyEnabled && Version < HistoryNeeds
            ? $"Redis at {endpoints} is version {Version}, and history (Sse:HistoryEnabled, on by default) needs Redis " +
              $"{HistoryNeeds} or later. Upgrade Redis, or set Sse:HistoryEnabled to false (no Last-Event-ID resume then)."
            : null;

    public override string ToString() =>
        IsCluster ? $"Redis {Version}, a cluster of {Primaries} primaries" : $"Redis {Version}";
}
