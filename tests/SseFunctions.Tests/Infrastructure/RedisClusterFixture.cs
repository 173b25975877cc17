namespace SseFunctions.Tests.Infrastructure;

/// <summary>One Redis Cluster shared by the tests of a class that never fail it over; they keep apart by channel names.</summary>
public sealed class RedisClusterFixture : IAsyncLifetime
{
    public RedisCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await RedisCluster.StartAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
