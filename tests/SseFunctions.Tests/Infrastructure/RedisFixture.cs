namespace SseFunctions.Tests.Infrastructure;

/// <summary>One redis-server shared by the tests of a class; tests keep apart by using channel names of their own.</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    public RedisServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
