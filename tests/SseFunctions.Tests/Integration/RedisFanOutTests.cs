using SseFunctions.Tests.Infrastructure;

namespace SseFunctions.Tests.Integration;

/// <summary>The fan-out tests over a real redis-server.</summary>
[Trait("Category", "Redis")]
public sealed class RedisFanOutTests(RedisFixture redis) : FanOutTests, IClassFixture<RedisFixture>
{
    protected override Task<SseTestHost> StartHostAsync(Action<SseOptions>? configure = null) =>
        SseTestHost.StartAsync(redis.Server.Url, configure, environment: "Production");
}
