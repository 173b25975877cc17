using SseFunctions.Tests.Infrastructure;

namespace SseFunctions.Tests.Cluster;

/// <summary>Channel names a test picks so that each hashes to a slot of a different primary.</summary>
internal static class ClusterChannels
{
    /// <summary>One channel per primary in <paramref name="primaries"/>, in that order, each owned by it.</summary>
    public static async Task<string[]> OwnedByAsync(RedisCluster cluster, IReadOnlyList<RedisServer> primaries, string name)
    {
        var channels = new string?[primaries.Count];
        for (var i = 0; channels.Any(channel => channel is null); i++)
        {
            Assert.True(i < 1000, "No channel names found for every primary.");
            var candidate = $"{name}-{Guid.NewGuid():N}";
            var owner = await cluster.PrimaryOfAsync(candidate);
            var index = primaries.ToList().FindIndex(primary => primary.Port == owner.Port);
            if (index >= 0 && channels[index] is null)
            {
                channels[index] = candidate;
            }
        }

        return channels!;
    }
}
